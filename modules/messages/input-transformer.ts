import type { EventField } from "./event-fields";

/**
 * Builds an EventBridge input transformer (InputPathsMap + InputTemplate) from a JSON-shaped template, and
 * refuses templates that the person being reported could break.
 *
 * What EventBridge does, from the AWS documentation ("Amazon EventBridge input transformation"):
 * - "EventBridge doesn't escape values extracted by Input Path, when populating the Input Template for a
 *   target." A placeholder inside a quoted string is pasted raw, so a `"` or `\` in the value ends the
 *   string early and the payload is no longer JSON.
 * - A placeholder that stands alone as a JSON value is written as a JSON value (strings get quotes).
 * - "If you specify a variable to match a JSON path that doesn't exist in the event, that variable isn't
 *   created and won't appear in the output." Inside quotes that leaves an empty string; at an unquoted
 *   position it leaves invalid JSON.
 * Hence the rule enforced here: fields appear only inside quoted strings, and only fields whose characters
 * AWS constrains (see event-fields.ts). Free text (user agent, error message) never enters a template;
 * the remediation Lambda reports it in a payload built by code, where JSON serialization escapes it.
 * (Free text as a whole unquoted value would be escaped, but breaks the JSON when the path is missing.)
 */

/** A string with event fields pasted into it. Build with {@link text}. */
export class Text {
  constructor(readonly parts: readonly (string | EventField)[]) {}
}

/**
 * Tagged template: text`${CT.identityArn} called ${CT.eventName}`. A nested Text is spliced in; a plain
 * string is literal text (checked like the template's own text).
 */
export function text(strings: TemplateStringsArray, ...values: (EventField | Text | string)[]): Text {
  const parts: (string | EventField)[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    if (i < values.length) {
      const v = values[i];
      if (v instanceof Text) parts.push(...v.parts);
      else if (v !== "") parts.push(v);
    }
  });
  return new Text(parts);
}

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | Text
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue };

export interface InputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/** Whether the template is for events of successful calls only, failed calls only, or either. */
export type TemplateOutcome = "succeeded" | "failed" | "any";

// EventBridge limits (PutTargets API reference): at most 100 input paths, template at most 8192 characters.
const MAX_INPUT_PATHS = 100;
const MAX_TEMPLATE_LENGTH = 8192;

/** `$.detail.userIdentity.arn` -> `detail-userIdentity-arn` (the CDK naming, readable in the console). */
export function placeholderName(path: string): string {
  const m = /^\$\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)$/.exec(path);
  if (!m) throw new Error(`unsupported input path ${JSON.stringify(path)}: use $.a.b.c`);
  return m[1].replace(/\./g, "-");
}

function checkLiteral(s: string): void {
  // EventBridge reads <name> as a placeholder; a literal angle bracket would be ambiguous.
  if (/[<>]/.test(s)) throw new Error(`template text may not contain "<" or ">": ${JSON.stringify(s)}`);
}

export function buildInputTransformer(template: TemplateValue, outcome: TemplateOutcome): InputTransformer {
  const inputPaths: Record<string, string> = {};
  const use = (f: EventField): string => {
    const name = placeholderName(f.path);
    inputPaths[name] = f.path;
    return `<${name}>`;
  };
  const quotable = (f: EventField): boolean =>
    f.safety === "always" || (f.safety === "succeeded" && outcome === "succeeded");

  const render = (v: TemplateValue, where: string): string => {
    if (v instanceof Text) {
      const body = v.parts
        .map((p) => {
          if (typeof p === "string") {
            checkLiteral(p);
            return JSON.stringify(p).slice(1, -1);
          }
          if (!quotable(p)) {
            throw new Error(
              `${where}: ${p.path} is caller-controlled text in a ${outcome} template; EventBridge pastes it ` +
                "unescaped inside quotes, so it could break the JSON. Leave it out of templates.",
            );
          }
          return use(p);
        })
        .join("");
      return `"${body}"`;
    }
    if (typeof v === "string") {
      checkLiteral(v);
      return JSON.stringify(v);
    }
    if (v === null || typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map((x, i) => render(x, `${where}[${i}]`)).join(",")}]`;
    const entries = Object.entries(v as Record<string, TemplateValue>).map(([k, x]) => {
      checkLiteral(k);
      return `${JSON.stringify(k)}:${render(x, `${where}.${k}`)}`;
    });
    return `{${entries.join(",")}}`;
  };

  const inputTemplate = render(template, "$");
  if (Object.keys(inputPaths).length > MAX_INPUT_PATHS) {
    throw new Error(`template uses ${Object.keys(inputPaths).length} input paths; EventBridge allows ${MAX_INPUT_PATHS}`);
  }
  if (inputTemplate.length > MAX_TEMPLATE_LENGTH) {
    throw new Error(`input template is ${inputTemplate.length} characters; EventBridge allows ${MAX_TEMPLATE_LENGTH}`);
  }
  return { inputPaths, inputTemplate };
}
