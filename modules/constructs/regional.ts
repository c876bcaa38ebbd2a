import { Construct } from "constructs";
import {
  Fn,
  IResolvable,
  ITerraformResource,
  ListTerraformIterator,
  propertyAccess,
  ref,
  TerraformIterator,
  TerraformLocal,
  Token,
} from "../cdk";

/**
 * One `for_each` over the configured regions, shared by every regional resource, so plan addresses read
 * `aws_cloudwatch_event_rule.tamper["eu-west-1"]` and the HCL does not grow with the number of regions.
 * Each resource sets the AWS provider v6 `region` argument to `each.value` (Terraform cannot `for_each`
 * over aliased providers).
 */
export class Regions {
  readonly iterator: ListTerraformIterator;
  /** `local.regions`, as a list expression. */
  readonly list: string[];

  /** `localName`: the Terraform local that lists the regions (`regions`, or `global_regions` for us-east-1). */
  constructor(scope: Construct, regions: readonly string[], localName = "regions") {
    const local = new TerraformLocal(scope, localName, [...regions]);
    local.overrideLogicalId(localName);
    this.list = local.asList;
    this.iterator = TerraformIterator.fromList(local.asList);
  }

  /**
   * One ARN per region, `format` with `%s` for the region then the account: a formatlist expression, so
   * the HCL stays the same size whatever the number of regions.
   */
  arnPerRegion(format: string, account: string): string[] {
    return Token.asList(Fn.formatlist(format, [this.list, account]));
  }

  /** The region of the current instance (`each.value`). */
  get region(): string {
    return Token.asString(this.iterator.value);
  }

  /**
   * An attribute of `resource`'s instance in the same region. Reading `resource.arn` directly off a
   * `for_each` resource renders a splat that validates but fails at plan.
   */
  sameRegion(resource: ITerraformResource, attribute: string): string {
    return Token.asString(Fn.lookupNested(resource.fqn, [this.iterator.key, attribute]));
  }

  /** `{ "eu-west-1" = <attribute of that region's instance>, ... }`, for outputs keyed by region. */
  static byRegion(resource: ITerraformResource, attribute: string): IResolvable {
    const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
    return ref(`{ for region, r in ${address} : region => r.${attribute} }`);
  }

  /** The attribute of every region's instance of each resource, as one list. */
  static all(resources: readonly ITerraformResource[], attribute: string): string[] {
    const lists = resources.map((r) => propertyAccess(Fn.values(r.fqn), ["*", attribute]));
    // A list token cannot be spread into another list; Terraform's concat joins them.
    return Token.asList(lists.length === 1 ? lists[0] : Fn.concat(lists));
  }
}
