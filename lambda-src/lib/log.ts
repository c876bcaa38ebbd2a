/**
 * One structured JSON line per log call, with the service name, so CloudWatch Logs Insights can filter on
 * fields. Free text from events goes in as JSON string values: a newline in a user agent cannot forge a
 * second log line.
 */
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** `LOG_LEVEL` from the environment (debug, info, warn, error); info when unset or unknown. */
export const levelFrom = (value: string | undefined): Level =>
  value !== undefined && value.toLowerCase() in RANK ? (value.toLowerCase() as Level) : "info";

/**
 * `keys` go on every line (request ID, event ID: what joins a line to its invocation and its event);
 * lines below `minLevel` are dropped.
 */
export const jsonLogger = (
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  keys: Record<string, unknown> = {},
  minLevel: Level = "debug",
): Logger => ({
  log(level, message, fields = {}) {
    if (RANK[level] < RANK[minLevel]) return;
    // Fields first: a field named "message" or "level" cannot overwrite the line's own.
    write(JSON.stringify({ ...keys, ...fields, level, service: "trailguard", message, time: new Date().toISOString() }));
  },
});
