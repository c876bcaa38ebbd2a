import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { matchesPattern } from "../modules/eventbridge/pattern";

/**
 * modules/eventbridge/pattern.ts against AWS's open-source matcher, aws/event-ruler, on that project's own
 * test cases (fixtures/event-ruler/README.md says how they were taken). Where the two differ, the
 * difference is written out below with the reason; anything else is a bug in ours.
 */
interface Triple {
  readonly source: string;
  readonly pattern: object;
  readonly event: object;
  readonly matches: boolean;
  readonly operators: readonly string[];
}
const TRIPLES: Triple[] = JSON.parse(gunzipSync(readFileSync(join(__dirname, "fixtures", "event-ruler", "triples.json.gz"))).toString("utf8"));

/**
 * event-ruler reads a field that appears both beside `$or` and inside an alternative as the alternative's
 * (it overrides); the EventBridge guide says every field of a pattern must match, so ours requires both.
 */
const DIFFERENCES: Record<string, string> = {
  "src/test/software/amazon/event/ruler/JsonRuleCompilerTest.java:660 (testWithRuleOverride)": "a field beside $or and inside it: event-ruler overrides, the guide ANDs",
};

const outcome = (t: Triple) => {
  try {
    return matchesPattern(t.pattern, t.event);
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
};

test("there are 610 triples, 230 of them matches", () => {
  expect([TRIPLES.length, TRIPLES.filter((t) => t.matches).length]).toEqual([610, 230]);
});

test("ours agrees with event-ruler on every triple but the differences listed (609 of 610, 99.8%)", () => {
  const disagree = TRIPLES.filter((t) => outcome(t) !== t.matches).map((t) => t.source);
  expect(disagree).toEqual(Object.keys(DIFFERENCES));
});

test.each(["cidr", "prefix:equals-ignore-case", "suffix:equals-ignore-case", "anything-but:list", "exists:false", "wildcard", "numeric"])(
  "every %s triple agrees",
  (op) => {
    const triples = TRIPLES.filter((t) => t.operators.includes(op) && !(t.source in DIFFERENCES));
    expect(triples.length).toBeGreaterThan(0);
    expect(triples.filter((t) => outcome(t) !== t.matches).map((t) => t.source)).toEqual([]);
  },
);
