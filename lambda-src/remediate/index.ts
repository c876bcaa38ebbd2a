/** Lambda entry: a CloudTrail tamper event from the rule in this region. */
import { safeHandler } from "../lib/handler";
import { withMemberAccounts } from "../lib/member-accounts";
import { handleTamperEvent } from "../lib/remediate";

export const handler = safeHandler((event, deps) => handleTamperEvent(event, deps), { extendClients: withMemberAccounts });
