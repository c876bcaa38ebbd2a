import { Construct } from "constructs";
import {
  Fn,
  IResolvable,
  ITerraformResource,
  ListTerraformIterator,
  ref,
  TerraformIterator,
  TerraformLocal,
  Token,
} from "../cdk";

/**
 * Where a resource lives: in every region of a list (one `for_each`, plan addresses keyed by region) or
 * once, in one region (the hub). Constructs take a Placement and never care which.
 */
export interface Placement {
  /** The `for_each` iterator, or undefined for a single resource. */
  readonly forEach?: ListTerraformIterator;
  /** The AWS provider v6 `region` argument: `each.value`, or a region code. */
  readonly region: string;
  /** `attribute` of `resource`'s instance in the same region (the resource shares this placement). */
  ref(resource: ITerraformResource, attribute: string): string;
}

/**
 * One `for_each` over a list of regions, shared by every regional resource, so plan addresses read
 * `aws_cloudwatch_event_rule.edge["eu-west-1"]` and the HCL does not grow with the number of regions.
 * Each resource sets the AWS provider v6 `region` argument to `each.value` (Terraform cannot `for_each`
 * over aliased providers).
 */
export class Regions implements Placement {
  readonly iterator: ListTerraformIterator;
  /** `local.regions`, as a list expression. */
  readonly list: string[];
  /** The region codes, as configured; in the generated module, `local.<localName>` (known at plan). */
  readonly names: readonly string[];

  /**
   * `localName`: the Terraform local that lists the regions (`regions`, or `global_regions` for us-east-1).
   * `regions` is a list, or HCL that Terraform evaluates (the module's `var.regions`).
   */
  constructor(scope: Construct, regions: readonly string[] | { readonly hcl: string }, localName = "regions") {
    const local = new TerraformLocal(scope, localName, "hcl" in regions ? ref(regions.hcl) : [...regions]);
    local.overrideLogicalId(localName);
    this.names = "hcl" in regions ? local.asList : [...regions];
    this.list = local.asList;
    this.iterator = TerraformIterator.fromList(local.asList);
  }

  get forEach(): ListTerraformIterator {
    return this.iterator;
  }

  /** The region of the current instance (`each.value`). */
  get region(): string {
    return Token.asString(this.iterator.value);
  }

  /**
   * An attribute of `resource`'s instance in the same region. Reading `resource.arn` directly off a
   * `for_each` resource renders a splat that validates but fails at plan.
   */
  ref(resource: ITerraformResource, attribute: string): string {
    return Token.asString(Fn.lookupNested(resource.fqn, [this.iterator.key, attribute]));
  }

  /** `{ "eu-west-1" = <attribute of that region's instance>, ... }`, for outputs keyed by region. */
  static byRegion(resource: ITerraformResource, attribute: string): IResolvable {
    const address = `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
    return ref(`{ for region, r in ${address} : region => r.${attribute} }`);
  }
}

/** One region, one instance: the hub's resources, with plain plan addresses (`aws_cloudwatch_event_bus.hub`). */
export class Home implements Placement {
  readonly forEach = undefined;
  constructor(readonly region: string) {}

  ref(resource: ITerraformResource, attribute: string): string {
    return Token.asString(ref(`${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}`));
  }

  /** `attribute` of this region's instance of a resource placed in every region. */
  instanceOf(resource: ITerraformResource, attribute: string): string {
    return Token.asString(Fn.lookupNested(resource.fqn, [this.region, attribute]));
  }
}
