/** The Lambda handlers: each `lambda-src/<name>/index.ts` is bundled on its own. */
export const LAMBDAS = ["remediate", "heartbeat"] as const;
export type LambdaName = (typeof LAMBDAS)[number];
