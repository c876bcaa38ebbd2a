export * from "./event-pattern";
export * from "./trail-tamper";
