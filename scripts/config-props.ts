import { z } from "zod";
import { configSchema } from "../modules/config/schema";
import { configPropsSource } from "../modules/docs/props-interface";
import { join } from "node:path";

export const CONFIG_PROPS_FILE = join(__dirname, "..", "modules", "config", "config-props.generated.ts");

/** modules/config/config-props.generated.ts, as the schema is now. */
export const configPropsNow = () => configPropsSource(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as never);
