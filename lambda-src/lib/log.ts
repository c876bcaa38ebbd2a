/**
 * One structured JSON line per log call, with the service name, so CloudWatch Logs Insights can filter on
 * fields. Free text from events goes in as JSON string values: a newline in a user agent cannot forge a
 * second log line.
 */
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
}

export const jsonLogger = (write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger => ({
  log(level, message, fields = {}) {
    // Fields first: a field named "message" or "level" cannot overwrite the line's own.
    write(JSON.stringify({ ...fields, level, service: "trailguard", message, time: new Date().toISOString() }));
  },
});
