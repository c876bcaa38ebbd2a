export * from "./regions";
export * from "./schema";
export * from "./load";
