import { describe, expect, it } from "vitest";
import { run } from "../../src/commands/classify.js";
import { EMOTION_LABELS } from "../../src/emotion/labels.js";
import { MODEL_DIR } from "../emotion/modelFixture.js";
import { testIo } from "../emotion/testIo.js";

function parseLines(output: string): { scores: Record<string, number>; labels: string[]; top: string }[] {
  return output
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("classify command", () => {
  it("writes one JSON line per stdin line, in order, odd lines included", async () => {
    const lines = [
      "I am so happy for you!",
      "",
      "turn on the kitchen lights",
      "😀😀",
      "x".repeat(100_000),
      "ugh, gross",
    ];
    const io = testIo(`${lines.join("\n")}\n`);

    const code = await run(["--model", MODEL_DIR], io);
    const results = parseLines(io.output());

    expect(code).toBe(0);
    expect(results).toHaveLength(lines.length);
    for (const result of results) {
      expect(Object.keys(result.scores)).toEqual([...EMOTION_LABELS]);
      expect(EMOTION_LABELS).toContain(result.top);
      expect(Array.isArray(result.labels)).toBe(true);
    }
    expect(results[0]?.top).toBe("joy");
    expect(results[2]?.top).toBe("neutral");
  });

  it("classifies each argument when given utterances, with the shipped model by default", async () => {
    const io = testIo();

    const code = await run(["I am terrified of spiders", "wow, I did not expect that"], io);
    const results = parseLines(io.output());

    expect(code).toBe(0);
    expect(results.map((r) => r.top)).toEqual(["fear", "surprise"]);
  });

  it("answers an unknown option with usage and exit code 2", async () => {
    const io = testIo();

    const code = await run(["--colour"], io);

    expect(code).toBe(2);
    expect(io.errors()).toContain("usage: emotion-hub classify");
    expect(io.output()).toBe("");
  });

  it("ends with no output for empty stdin", async () => {
    const io = testIo("");

    await expect(run([], io)).resolves.toBe(0);
    expect(io.output()).toBe("");
  });
});
