import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { buildLambdas } from "../scripts/build-lambdas";

describe("the Lambda packages", () => {
  const dirA = mkdtempSync(join(tmpdir(), "tg-build-a-"));
  const first = buildLambdas(dirA);
  const second = buildLambdas(mkdtempSync(join(tmpdir(), "tg-build-b-")));

  test("are byte-for-byte reproducible, so source_code_hash changes only when the code does", () => {
    for (const [a, b] of first.map((x, i) => [x, second[i]])) {
      expect(readFileSync(a.zip).equals(readFileSync(b.zip))).toBe(true);
    }
  });

  test("hold index.js and its source map, and bundle the SDK", () => {
    for (const b of first) {
      expect(Object.keys(unzipSync(readFileSync(b.zip))).sort()).toEqual(["index.js", "index.js.map"]);
      expect(Object.keys(b.inputs).some((f) => f.includes("@aws-sdk/client-cloudtrail"))).toBe(true);
    }
  });

  test("are reused when no input changed, and rebuilt when forced", () => {
    expect(first.every((b) => !b.cached)).toBe(true);
    const again = buildLambdas(dirA);
    expect(again.every((b) => b.cached)).toBe(true);
    expect(again.map((b) => b.bytes)).toEqual(first.map((b) => b.bytes));
    expect(buildLambdas(dirA, { force: true }).every((b) => !b.cached)).toBe(true);
  });

  test("leave out the SDK's credential chain, which Lambda never uses", () => {
    for (const b of first) {
      const inputs = Object.keys(b.inputs);
      expect(inputs.some((f) => f.includes("credential-provider-node/"))).toBe(false);
      expect(inputs.some((f) => f.includes("lambda-src/shims/credential-provider-node.ts"))).toBe(true);
    }
  });
});
