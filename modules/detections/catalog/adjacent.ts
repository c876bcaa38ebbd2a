import type { Detection } from "./types";

/**
 * The other eyes on the account: GuardDuty, Config, VPC flow logs, DNS query logs, Security Hub and the
 * organization. Opt-in (`detections.include: ["adjacent"]`): these services may be managed by another
 * team, and their calls are not always tampering.
 */
const base = { family: "adjacent", severity: "high", scope: "regional", outcomes: "succeeded", optIn: true } as const;

export const ADJACENT_DETECTIONS: readonly Detection[] = [
  {
    ...base,
    id: "guardduty-disabled",
    title: "GuardDuty detector deleted, changed or detached",
    service: "guardduty",
    eventNames: ["DeleteDetector", "UpdateDetector", "DisassociateFromMasterAccount", "DisassociateFromAdministratorAccount"],
    resource: [], // the detector ID has no pattern (see event-fields.ts)
    why: "Stops threat detection, or hides this account's findings from the security account.",
  },
  {
    ...base,
    id: "config-stopped",
    title: "AWS Config recorder stopped or delivery channel deleted",
    service: "config",
    eventNames: ["StopConfigurationRecorder", "DeleteDeliveryChannel"],
    resource: [], // recorder and channel names have no pattern (see event-fields.ts)
    why: "Configuration changes stop being recorded, so drift and evidence go missing.",
  },
  {
    ...base,
    id: "flow-logs-deleted",
    title: "VPC flow logs deleted",
    service: "ec2",
    eventNames: ["DeleteFlowLogs"],
    // The flow log IDs sit in an XML-shaped request and are not validated: not shown in the alert.
    resource: [],
    why: "Network traffic stops being recorded.",
    stratus: ["vpc-remove-flow-logs"],
  },
  {
    ...base,
    id: "dns-query-logs-deleted",
    title: "Route 53 Resolver query logging deleted or detached",
    service: "route53resolver",
    eventNames: ["DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"],
    resource: [], // the query log config ID has no pattern (see event-fields.ts)
    why: "DNS queries (and exfiltration over DNS) stop being recorded.",
    stratus: ["dns-delete-logs"],
  },
  {
    ...base,
    id: "securityhub-disabled",
    title: "Security Hub disabled",
    service: "securityhub",
    eventNames: ["DisableSecurityHub"],
    resource: [],
    why: "Findings from every integrated service stop being collected.",
  },
  {
    ...base,
    id: "organization-left",
    title: "Account left the organization",
    severity: "critical",
    service: "organizations",
    eventNames: ["LeaveOrganization"],
    scope: "global",
    // Attempts matter too: they are how an attacker learns whether the SCPs still hold.
    outcomes: "both",
    resource: [],
    why: "Escapes the organization's SCPs, its organization trail and its delegated security services.",
    stratus: ["organizations-leave"],
  },
];
