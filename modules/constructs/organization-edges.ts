import { Construct } from "constructs";
import { stackSetBindings } from "../aws";
import type { TrailguardConfig } from "../config";
import type { PatternObject } from "../detections";
import { globalTemplate, regionalTemplate } from "../organization/templates";
import { jsonWithTerraform } from "../terraform-json";
import { hclLiteral } from "./hcl";
import type { Home, Regions } from "./regional";

export interface OrganizationEdgesProps {
  readonly home: Home;
  readonly regions: Regions;
  readonly organization: NonNullable<TrailguardConfig["organization"]>;
  readonly namePrefix: string;
  readonly hubBusArn: string;
  readonly patterns: readonly PatternObject[];
  readonly globalPatterns: readonly PatternObject[];
  readonly tags: Readonly<Record<string, string>>;
  /** The hub's remediate role and mode, when remediation is on (the member role is made for it). */
  readonly remediation?: { readonly hubRoleArn: string; readonly mode: "enforce" | "dry-run" };
  /** The hub's own account (a Terraform expression): it has its own edges, so StackSets skip it. */
  readonly hubAccount: string;
}

/**
 * Every account at once, every region at once; a failed stack fails the operation (and the apply) rather
 * than leaving an account quietly uncovered. SOFT_FAILURE_TOLERANCE keeps the concurrency independent of
 * the tolerance (CloudFormation API reference, StackSetOperationPreferences `ConcurrencyMode`).
 */
const ALL_AT_ONCE = { regionConcurrencyType: "PARALLEL", maxConcurrentPercentage: 100, failureToleranceCount: 0 } as const;
/** An organization of hundreds of accounts takes longer than the provider's 30-minute default. */
const STACK_SET_TIMEOUTS = { create: "2h", update: "2h", delete: "2h" };

/**
 * Edges in every account of the organization's OUs, by CloudFormation StackSets with service-managed
 * permissions: accounts that join an OU later get them without anyone running Terraform (automatic
 * deployment), and an account that leaves loses them (nothing retained). StackSets never deploy to the
 * management account ("StackSets doesn't deploy stack instances to the organization management account",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html): the hub's
 * own edges cover it when the hub is the management account (callAs SELF).
 * - `member_roles`: the edge role, and the role remediation restarts a trail with, once per account (in
 *   the home region; IAM is global).
 * - `member_edges`: the edge rules and dead-letter queue, in every configured region of every account.
 * Both StackSets are administered from the home region. Their stacks carry the StackSet's tags.
 */
export class OrganizationEdges extends Construct {
  readonly roles: InstanceType<ReturnType<typeof stackSetBindings>["CloudformationStackSet"]>;
  readonly edges: InstanceType<ReturnType<typeof stackSetBindings>["CloudformationStackSet"]>;

  constructor(scope: Construct, id: string, props: OrganizationEdgesProps) {
    super(scope, id);
    const { home, organization: org } = props;
    const { CloudformationStackSet, CloudformationStackSetInstance } = stackSetBindings();
    const stackSet = (logicalName: string, name: string, description: string, template: object, capabilities: string[]) => {
      const set = new CloudformationStackSet(this, logicalName, {
        region: home.region,
        name,
        description,
        permissionModel: "SERVICE_MANAGED",
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        callAs: org.callAs,
        capabilities,
        templateBody: hclLiteral(jsonWithTerraform(template)),
        // Operations on one StackSet run one after another (the per-region instances are created together).
        managedExecution: { active: true },
        operationPreferences: ALL_AT_ONCE,
        timeouts: { update: STACK_SET_TIMEOUTS.update }, // the provider times only a StackSet's updates
        tags: { ...props.tags },
        // With SERVICE_MANAGED, AWS fills in the administration role; without this every plan shows a change.
        lifecycle: { ignoreChanges: ["administration_role_arn"] },
      });
      set.overrideLogicalId(logicalName);
      return set;
    };
    this.roles = stackSet("member_roles", `${props.namePrefix}-member-roles`, "trailguard: the edge and remediation roles of every member account", globalTemplate({ ...props, remediation: props.remediation && { ...props.remediation, hubAccount: props.hubAccount, orgId: org.id } }), ["CAPABILITY_NAMED_IAM"]);
    this.edges = stackSet("member_edges", `${props.namePrefix}-member-edges`, "trailguard: the edge rules of every member account and region", regionalTemplate(props), []);

    // A delegated administrator hub sits in one of the OUs; it has its own edges and roles already (same
    // names), so its account is left out. A management-account hub is never a target of StackSets.
    const deploymentTargets = {
      organizationalUnitIds: [...org.organizationalUnits],
      ...(org.callAs === "DELEGATED_ADMIN" ? { accountFilterType: "DIFFERENCE", accounts: [props.hubAccount] } : {}),
    };
    const preferences = { ...ALL_AT_ONCE, concurrencyMode: "SOFT_FAILURE_TOLERANCE" };
    const roles = new CloudformationStackSetInstance(this, "roles_instance", {
      region: home.region,
      stackSetName: this.roles.name,
      stackSetInstanceRegion: home.region,
      callAs: org.callAs,
      deploymentTargets,
      operationPreferences: preferences,
      timeouts: STACK_SET_TIMEOUTS,
    });
    roles.overrideLogicalId("member_roles");
    // One instance per region (plan addresses keyed by region), after the roles the rules forward with.
    const edges = new CloudformationStackSetInstance(this, "edges_instance", {
      forEach: props.regions.forEach,
      region: home.region,
      stackSetName: this.edges.name,
      stackSetInstanceRegion: props.regions.region,
      callAs: org.callAs,
      deploymentTargets,
      operationPreferences: preferences,
      timeouts: STACK_SET_TIMEOUTS,
      dependsOn: [roles],
    });
    edges.overrideLogicalId("member_edges");
  }
}
