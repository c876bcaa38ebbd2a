export * from "./event-pattern";
export * from "./report";
export * from "./pattern-validation";
export * from "./catalog";
export * from "./groups";
export * from "./edge";
export * from "./member-dead-letters";
