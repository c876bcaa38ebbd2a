import { TARGET_RETRY } from "../eventbridge/target-retry";

/**
 * The Terraform expressions of the digests the self-check compares (lambda-src/lib/self-check-digest.ts
 * computes the same from DescribeRule and ListTargetsByRule). They read the rule and target resources
 * themselves, so the heartbeat's settings carry 16 hex digits per rule and target, not the documents.
 * A rule or target in every region (for_each) reads one instance: every region's is the same but for
 * its dead-letter queue, which the self-check compares on its own.
 */

export interface RuleAddress {
  /** aws_cloudwatch_event_rule.<logicalName>. */
  readonly logicalName: string;
  /** One instance per region (for_each), or one in the home region. */
  readonly perRegion: boolean;
}

export interface TargetAddress {
  /** aws_cloudwatch_event_target.<address>. */
  readonly address: string;
  readonly perRegion: boolean;
  readonly hasRole: boolean;
  readonly hasTransformer: boolean;
  readonly hasInputPath: boolean;
}

/** `substr(sha256(jsonencode(jsondecode(<the rule's event_pattern>))), 0, 16)`: spacing and key order do not count. */
export function patternDigestHcl(r: RuleAddress): string {
  const pattern = r.perRegion
    ? `try(values(aws_cloudwatch_event_rule.${r.logicalName})[0].event_pattern, "{}")`
    : `aws_cloudwatch_event_rule.${r.logicalName}.event_pattern`;
  return `substr(sha256(jsonencode(jsondecode(${pattern}))), 0, 16)`;
}

/** The target's lines, in targetDigest's order: ARN, role, input, input path, template, paths, retry policy. */
export function targetDigestHcl(t: TargetAddress): string {
  const attr = (a: string) =>
    t.perRegion ? `try(values(aws_cloudwatch_event_target.${t.address})[0].${a}, "")` : `aws_cloudwatch_event_target.${t.address}.${a}`;
  const lines = [
    attr("arn"),
    t.hasRole ? attr("role_arn") : '""',
    '""', // trailguard's targets never send a constant input
    t.hasInputPath ? attr("input_path") : '""',
    t.hasTransformer ? attr("input_transformer[0].input_template") : '""',
    t.hasTransformer ? `jsonencode(${attr("input_transformer[0].input_paths")})` : '"{}"',
    `"${TARGET_RETRY.maximumEventAgeInSeconds}"`,
    `"${TARGET_RETRY.maximumRetryAttempts}"`,
  ];
  return `substr(sha256(join("\\n", [${lines.join(", ")}])), 0, 16)`;
}
