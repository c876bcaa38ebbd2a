export * from "./regions";
export * from "./schema";
export * from "./load";
export type { TrailguardConfigProps } from "./config-props";
