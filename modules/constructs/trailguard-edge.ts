import { Construct } from "constructs";
import { ref, TerraformLocal, Token } from "../cdk";
import { parseConfig, type TrailguardConfig, type TrailguardConfigProps } from "../config";
import { GLOBAL_EVENTS_REGION } from "../config/regions";
import { buildCatalog, type CustomRule, edgePlan, plannedGroups } from "../detections";
import { checkQuotasAtSynth } from "./quota-check";
import { DeadLetterQueue } from "./dead-letter-queue";
import { edgeRole, Edges } from "./edges";
import { Regions } from "./regional";
import { Role } from "./role";
import { memberRemediationPolicy, memberRemediationTrust } from "../iam/remediation-role";
import { memberRemediationRoleName } from "../remediation/settings";
import { BASE_TAGS } from "./trailguard";

export interface TrailguardEdgeProps {
  /** A config with `edgeOnly`: the hub bus its edges forward to; its detections decide what is forwarded. */
  readonly config: TrailguardConfigProps | TrailguardConfig;
}

/**
 * Only the edges of an account, forwarding to another deployment's hub bus: for the organization's
 * management account when the hub runs in a delegated administrator account (StackSets never deploy to
 * the management account). Edge rules in every configured region (global-service ones in us-east-1), the
 * edge role `<prefix>-edge` (the name the hub's bus policy admits from the organization), and the
 * dead-letter queues. No Slack, no Lambda, no alarm: the hub has them.
 */
export class TrailguardEdge extends Construct {
  readonly config: TrailguardConfig;
  readonly regions: Regions;
  readonly edges: Edges;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly edgeRole: Role;
  /** `<prefix>-member-remediation`, when the config names the hub's remediate role. */
  readonly memberRole?: Role;
  readonly warnings: readonly string[];

  constructor(scope: Construct, id: string, props: TrailguardEdgeProps) {
    super(scope, id);
    const config = (this.config = parseConfig(props.config, `the config of ${this.node.path}`));
    if (!config.edgeOnly) throw new Error(`${this.node.path}: TrailguardEdge needs a config with edgeOnly (the hub's bus)`);
    const prefix = config.namePrefix;
    const tags = { ...BASE_TAGS, ...config.tags };
    const hubBusArn = config.edgeOnly.hubEventBusArn;

    const catalog = buildCatalog({ namePrefix: prefix, trailBuckets: [], trailKeys: [], trailLogGroups: [] }, config.rules as readonly CustomRule[]);
    const planned = plannedGroups(catalog, config.detections, config.regions);
    this.warnings = planned.warnings;
    const forwarded = edgePlan(planned.groups.flatMap((g) => g.detections), config.regions);

    const regions = (this.regions = new Regions(this, config.regions));
    // The account, read off the queues' ARNs: this stack creates no hub bus to read it from, and an
    // aws_caller_identity data source would call AWS at plan.
    const account = new TerraformLocal(this, "account_id", ref('element(split(":", values(aws_sqs_queue.dlq)[0].arn), 4)'));
    account.overrideLogicalId("account_id");
    const dlq = (this.deadLetterQueue = new DeadLetterQueue(this, "dlq", { regions, name: `${prefix}-dlq`, namePrefix: prefix, account: Token.asString(account.asString), tags }));
    const role = (this.edgeRole = edgeRole(this, { namePrefix: prefix, account: account.asString, hubBusArn, plan: forwarded, tags }));
    this.edges = new Edges(this, "edges", {
      regions,
      globalRegions: forwarded.global.length > 0 ? new Regions(this, [GLOBAL_EVENTS_REGION], "global_regions") : undefined,
      patterns: forwarded.regional,
      globalPatterns: forwarded.global,
      namePrefix: prefix,
      hubBusArn,
      roleArn: role.role.arn,
      deadLetterQueue: { arnIn: (r) => r.ref(dlq.queue, "arn") },
      tags,
    });
    const { hubRemediationRoleArn: hubRole, organizationId } = config.edgeOnly;
    if (hubRole && organizationId && config.remediation.mode !== "off") {
      // What the roles StackSet gives every member account, for the one account StackSets cannot reach.
      this.memberRole = new Role(this, "member_remediation", {
        logicalName: "member_remediation",
        name: memberRemediationRoleName(prefix),
        description: "trailguard: lets the hub's remediate Lambda turn this account's trails back on",
        trust: memberRemediationTrust(hubRole, hubRole.split(":")[4], organizationId),
        policyName: "restart-trails",
        policy: memberRemediationPolicy({ mode: config.remediation.mode, trailArnLike: `arn:aws:cloudtrail:*:${account.asString}:trail/*` }),
        tags,
      });
    }
    checkQuotasAtSynth(this, config.regions);
  }
}
