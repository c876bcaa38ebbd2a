import { CT } from "../../messages";
import type { CatalogContext, Detection } from "./types";

/**
 * trailguard itself: its rules, connection, API destination and Lambdas, matched by name prefix. Whoever
 * wants to go dark quietly turns off the alarm first. (trailguard's own deploys also make these calls:
 * expect an alert per changed resource on `terraform apply`.)
 */
export function selfDetections(ctx: CatalogContext): Detection[] {
  const prefix = `${ctx.namePrefix}-`;
  const base = { family: "self", severity: "high", scope: "regional", outcomes: "succeeded" } as const;
  return [
    {
      ...base,
      id: "self-eventbridge",
      title: "trailguard rule or Slack connection changed",
      service: "events",
      eventNames: ["DeleteRule", "DisableRule", "RemoveTargets", "PutRule", "DeleteConnection", "DeauthorizeConnection", "UpdateConnection", "DeleteApiDestination"],
      // RemoveTargets names its rule in `rule`; the other calls name their resource in `name`.
      detail: { $or: [{ requestParameters: { name: [{ prefix }] } }, { requestParameters: { rule: [{ prefix }] } }] },
      resource: [CT.requestName, CT.requestRule],
      why: "Deleting, disabling or re-pointing trailguard's rules silences every alert that follows.",
    },
    {
      ...base,
      id: "self-lambda",
      title: "trailguard Lambda changed",
      service: "lambda",
      // Lambda records API versions in event names: UpdateFunctionCode20150331v2, DeleteFunction20150331.
      eventNames: [{ prefix: "UpdateFunctionCode" }, { prefix: "UpdateFunctionConfiguration" }, { prefix: "DeleteFunction" }, { prefix: "RemovePermission" }],
      detail: { requestParameters: { functionName: [{ prefix }, { wildcard: `arn:aws:lambda:*:*:function:${prefix}*` }] } },
      resource: [CT.requestFunctionName],
      why: "New code or a removed permission turns remediation off, or turns it against the trail.",
    },
  ];
}
