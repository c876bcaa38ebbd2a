import type { z } from "zod";
import type { TrailguardConfigProps } from "./config-props.generated";
import type { configSchema } from "./schema";

export type { TrailguardConfigProps } from "./config-props.generated";

/** True when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The generated interface accepts exactly what the schema accepts: a field added to the schema and not
 * regenerated (`npm run docs`), or a type the generator writes wrong, stops the compiler here.
 */
export const CONFIG_PROPS_MATCH_THE_SCHEMA: Same<TrailguardConfigProps, z.input<typeof configSchema>> = true;
