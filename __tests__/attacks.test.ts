/**
 * The attacks of the adversarial review ("no silent way out"), each replayed as a crafted CloudTrail record
 * (`fixtures/attacks/`, derived from real records: see its README) through the synthesized stack with
 * simulate, as `npm run simulate -- __tests__/fixtures/attacks/<file>` does: every one must alert, to the
 * configured channel, with a payload that kept its template's structure.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readStack, simulateEvent, formatEvent, type StackModel } from "../modules/review/simulate";
import { benignRender, jsonStructure, structureProblems } from "../modules/eventbridge/payload-structure";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { FIXTURES_DIR, loadFixture, REPOINTING_STACK_NAME } from "./helpers/fixtures";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

jest.setTimeout(60_000);

let model: StackModel;
beforeAll(() => {
  model = readStack(synthStack({ ...CHANNEL_CONFIG, regions: ["us-east-1", "eu-west-1"] }));
});

describe("payload structure: what JSON.parse hides", () => {
  test("jsonStructure lists every key path with its type, a duplicate key twice", () => {
    expect(jsonStructure('{"channel":"C1","text":"a","channel":"C2","n":[1,true,null]}')).toEqual({
      paths: ["$:object", "$.channel:string", "$.text:string", "$.channel:string", "$.n:array", "$.n[0]:number", "$.n[1]:boolean", "$.n[2]:null"],
      duplicates: ["$.channel"],
    });
  });

  test("the template's benign render puts harmless text in each quoted placeholder; a whole-value placeholder has no fixed shape", () => {
    expect(benignRender({ inputPaths: { n: "$.detail.requestParameters.stackName" }, inputTemplate: '{"channel":"C1","text":"stack <n>"}' })).toBe(
      '{"channel":"C1","text":"stack x"}',
    );
    expect(benignRender({ inputPaths: { b: "$.detail.slack.blocks" }, inputTemplate: '{"blocks":<b>}' })).toBeUndefined();
  });

  test("a template quoting DeleteStack's stackName is re-pointed by the crafted name, and the check says how", () => {
    const naive = { inputPaths: { n: "$.detail.requestParameters.stackName" }, inputTemplate: '{"channel":"C0123ABCDEF","text":"stack <n> deleted"}' };
    const body = evaluateInputTransformer(naive, loadFixture("attacks/delete-stack-repointing"));
    expect(JSON.parse(body).channel).toBe("C0ATTACKER");
    expect(structureProblems(naive, body)).toEqual([
      "duplicate key $.channel (JSON.parse keeps the last one)",
      "keys the template does not have: $.x:string",
      'channel "C0ATTACKER" is not the template\'s "C0123ABCDEF"',
    ]);
  });

  test("simulate flags the forged payload in its output", () => {
    const naiveModel: StackModel = {
      edges: [{ logicalName: "edge", name: "edge", pattern: { source: ["aws.cloudformation"] }, regions: ["us-east-1"], targets: [] }],
      hub: [
        {
          logicalName: "naive",
          name: "naive",
          pattern: { source: ["aws.cloudformation"] },
          targets: [{ id: "slack", kind: "slack", transformer: { inputPaths: { n: "$.detail.requestParameters.stackName" }, inputTemplate: '{"channel":"C0123ABCDEF","text":"stack <n>"}' } }],
        },
      ],
    };
    const r = simulateEvent(naiveModel, loadFixture("attacks/delete-stack-repointing"));
    expect(formatEvent(r, 1)).toContain(
      "FORGED OR BROKEN: the payload left its template's structure: duplicate key $.channel (JSON.parse keeps the last one); keys the template does not have: $.x:string; channel \"C0ATTACKER\" is not the template's \"C0123ABCDEF\"",
    );
  });
});

describe("item 1: a request parameter AWS does not constrain is never pasted into an alert", () => {
  test("the crafted DeleteStack alerts through the self rule, to the configured channel, with no trace of the crafted name", () => {
    const r = simulateEvent(model, loadFixture("attacks/delete-stack-repointing"));
    const self = r.hub.filter((h) => h.matched);
    expect(self.map((h) => h.rule)).toEqual(["trailguard-self"]);
    const slack = self[0].targets.find((t) => t.id === "slack")!;
    expect([slack.validJson, slack.slackProblems, slack.structure]).toEqual([true, [], []]);
    expect(JSON.parse(slack.payload!).channel).toBe("C0123ABCDEF");
    for (const fragment of ["C0ATTACKER", "<!channel>", "evil.example"]) expect(slack.payload).not.toContain(fragment);
    expect(REPOINTING_STACK_NAME).toContain('"channel":"C0ATTACKER"');
  });
});

describe("every crafted attack record alerts with a payload that kept its structure", () => {
  const files = readdirSync(join(FIXTURES_DIR, "attacks")).filter((f) => f.endsWith(".json")).sort();
  test.each(files)("%s", (file) => {
    const r = simulateEvent(model, loadFixture(`attacks/${file}`));
    expect(r.forwarded).toBe(true);
    const targets = r.hub.filter((h) => h.matched).flatMap((h) => h.targets);
    expect(targets.filter((t) => t.kind === "slack").length).toBeGreaterThanOrEqual(1);
    for (const t of targets) expect([t.id, t.structure ?? [], t.slackProblems ?? []]).toEqual([t.id, [], []]);
  });
});
