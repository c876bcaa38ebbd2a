export * from "./quotas";
export * from "./preflight";
export * from "./worst-case";
