/** Lambda entry: a CloudTrail tamper event from the rule in this region. */
import { safeHandler } from "../lib/handler";
import { handleTamperEvent } from "../lib/remediate";

export const handler = safeHandler((event, deps) => handleTamperEvent(event, deps));
