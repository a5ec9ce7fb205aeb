import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExamples, run } from "../../src/commands/eval.js";
import { MODEL_DIR } from "../emotion/modelFixture.js";
import { testIo } from "../emotion/testIo.js";

/** A small hand-written file in GoEmotions Ekman format (label ids: 0 anger ... 6 surprise). */
const SAMPLE = [
  "I am so angry right now, this is outrageous\t0\ta1",
  "That is disgusting, I feel sick\t1\ta2",
  "I'm scared of what happens next\t2\ta3",
  "Thank you so much, this made my day!\t3\ta4",
  "The meeting is at three\t4\ta5",
  "I miss her so much, it hurts\t5\ta6",
  "Wow, I did not expect that at all!\t6\ta7",
  "Love it, thanks!\t3\ta8",
  "Turn left at the corner\t4\ta9",
  "So sad and angry about this\t0,5\ta10",
].join("\n");

function sampleFile(content = SAMPLE): string {
  const file = join(mkdtempSync(join(tmpdir(), "emotion-eval-")), "sample.tsv");
  writeFileSync(file, `${content}\n`);

  return file;
}

describe("eval command", () => {
  it("prints macro-F1, micro-F1, top-1 and per-label F1, as given and in voice style", async () => {
    const io = testIo();

    const code = await run(["--data", sampleFile(), "--model", MODEL_DIR], io);
    const output = io.output();

    expect(code).toBe(0);
    expect(output).toContain("(10 examples)");
    expect(output).toMatch(/as given\s+voice style/);
    expect(output).toMatch(/^macro-F1\s+0\.\d{4}\s+0\.\d{4}$/m);
    for (const row of ["micro-F1", "top-1 accuracy", "F1 anger", "F1 surprise"]) {
      expect(output).toContain(row);
    }
  });

  it("with --voice-only prints one column and exits 1 below --min-macro-f1", async () => {
    const io = testIo();

    const code = await run(["--data", sampleFile(), "--voice-only", "--min-macro-f1", "0.999"], io);

    expect(code).toBe(1);
    expect(io.output()).not.toContain("as given");
    expect(io.errors()).toMatch(/voice-style macro-F1 0\.\d{4} is below the floor 0\.999/);
  });

  it("exits 0 when macro-F1 reaches the floor", async () => {
    const io = testIo();

    await expect(run(["--data", sampleFile(), "--voice-only", "--min-macro-f1", "0"], io)).resolves.toBe(0);
  });

  it("names the file and line of a malformed example and exits 2", async () => {
    const io = testIo();
    const file = sampleFile(`fine\t4\tb1\nbroken line without labels\n`);

    const code = await run(["--data", file], io);

    expect(code).toBe(2);
    expect(io.errors()).toContain(`failed to read '${file}' line 2`);
  });

  it("refuses a floor that is not a number from 0 to 1", async () => {
    const io = testIo();

    await expect(run(["--data", sampleFile(), "--min-macro-f1", "high"], io)).resolves.toBe(2);
    expect(io.errors()).toContain("invalid --min-macro-f1 'high'");
  });

  it("parses multi-label lines and skips blank ones", () => {
    const examples = parseExamples("a\t0,5\tx\n\nb\t3\ty\r\n", "f.tsv");

    expect(examples).toEqual([
      { text: "a", labels: ["anger", "sadness"] },
      { text: "b", labels: ["joy"] },
    ]);
  });

  it("refuses a label id outside 0-6", () => {
    expect(() => parseExamples("a\t7\tx", "f.tsv")).toThrow("line 1");
  });
});
