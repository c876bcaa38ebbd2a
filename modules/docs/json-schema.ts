/** The part of zod's JSON Schema output (z.toJSONSchema) that the generated docs read. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  /** Our own meta: a default said in words ("the 17 regions enabled by default"). */
  defaultText?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: JsonSchema | boolean;
}
