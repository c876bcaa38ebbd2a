export * from "./event-pattern";
export * from "./trail-tamper";
export * from "./report";
