import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { buildLambdas } from "../scripts/build-lambdas";

describe("the Lambda packages", () => {
  const first = buildLambdas(mkdtempSync(join(tmpdir(), "tg-build-a-")));
  const second = buildLambdas(mkdtempSync(join(tmpdir(), "tg-build-b-")));

  test("are byte-for-byte reproducible, so source_code_hash changes only when the code does", () => {
    for (const [a, b] of first.map((x, i) => [x, second[i]])) {
      expect(readFileSync(a.zip).equals(readFileSync(b.zip))).toBe(true);
    }
  });

  test("hold index.js and its source map, and bundle the SDK", () => {
    for (const b of first) {
      expect(Object.keys(unzipSync(readFileSync(b.zip))).sort()).toEqual(["index.js", "index.js.map"]);
      expect(Object.keys(b.metafile.inputs).some((f) => f.includes("@aws-sdk/client-cloudtrail"))).toBe(true);
    }
  });

  test("leave out the SDK's credential chain, which Lambda never uses", () => {
    for (const b of first) {
      const inputs = Object.keys(b.metafile.inputs);
      expect(inputs.some((f) => f.includes("credential-provider-node/"))).toBe(false);
      expect(inputs.some((f) => f.includes("lambda-src/shims/credential-provider-node.ts"))).toBe(true);
    }
  });
});
