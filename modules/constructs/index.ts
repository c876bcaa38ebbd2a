export * from "./regional";
export * from "./slack-destination";
export * from "./alert-rule";
export * from "./eventbridge-slack-role";
export * from "./trailguard-stack";
export * from "./dead-letter-queue";
export * from "./remediation";
