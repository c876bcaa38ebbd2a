export * from "./event-fields";
export * from "./input-transformer";
export * from "./detection-alert";
export * from "./report-transformer";
export * from "./member-dead-letters";
