import { blockKitProblems } from "../modules/messages/block-kit";

const ok = {
  text: "fallback",
  blocks: [
    { type: "header", text: { type: "plain_text", text: "Title" } },
    { type: "section", text: { type: "mrkdwn", text: "body" }, fields: [{ type: "mrkdwn", text: "*Account*\n1" }] },
  ],
};

test("a payload within Block Kit's rules has no problem", () => {
  expect(blockKitProblems(ok)).toEqual([]);
});

test("what Slack refuses: a mrkdwn header, an empty section, a field that is not text, an over-long header", () => {
  expect(
    blockKitProblems({
      text: "fallback",
      blocks: [
        { type: "header", text: { type: "mrkdwn", text: "x".repeat(151) } },
        { type: "section", text: { type: "mrkdwn", text: "" } },
        { type: "section", fields: [{ type: "mrkdwn", text: 42 }] },
        { type: "section" },
      ],
    }),
  ).toEqual([
    "blocks[0] (header) text: type mrkdwn, not plain_text",
    "blocks[0] (header) text: 151 over 150",
    "blocks[1] (section) text: not a non-empty text",
    "blocks[2] (section) fields[0]: not a non-empty text",
    "blocks[3] (section): neither text nor fields",
  ]);
});
