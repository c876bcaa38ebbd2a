/** EventBridge's rule language and input transformers, as its documentation describes them: what the tests, simulate and the plan summary's preview run. */
export * from "./input-transformer";
export * from "./pattern";
export * from "./target-retry";
