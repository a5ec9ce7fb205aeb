import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Classification, Classifier } from "../../src/emotion/classifier.js";
import { EMOTION_LABELS } from "../../src/emotion/labels.js";
import { readModelManifest } from "../../src/emotion/modelManifest.js";
import { Tokenizer } from "../../src/emotion/tokenizer.js";
import { loadShippedModel, MODEL_DIR } from "./modelFixture.js";

interface ParityCase {
  text: string;
  ids: number[];
  scores: number[];
}

const parity = JSON.parse(readFileSync(join(MODEL_DIR, "parity.json"), "utf8")) as { cases: ParityCase[] };

describe("TypeScript path against the training side (parity.json)", () => {
  let classifier: Classifier;
  let tokenizer: Tokenizer;

  beforeAll(async () => {
    classifier = await loadShippedModel();
    const manifest = await readModelManifest(MODEL_DIR);
    tokenizer = await Tokenizer.fromFile(join(MODEL_DIR, manifest.tokenizer.vocabulary), {
      ...manifest.tokenizer,
      maxChars: manifest.normalization.maxChars,
    });
  });

  afterAll(async () => {
    await classifier.close();
  });

  it("holds at least 200 sentences", () => {
    expect(parity.cases.length).toBeGreaterThanOrEqual(200);
  });

  it("tokenises every sentence to the same ids", () => {
    const mismatches = parity.cases.filter((c) => JSON.stringify(tokenizer.encode(c.text)) !== JSON.stringify(c.ids));

    expect(mismatches.map((c) => c.text)).toEqual([]);
  });

  it("scores every sentence within 1e-5, in padded batches of mixed lengths", async () => {
    const results: Classification[] = [];
    for (let start = 0; start < parity.cases.length; start += 32) {
      results.push(...(await classifier.classify(parity.cases.slice(start, start + 32).map((c) => c.text))));
    }
    let worst = 0;
    parity.cases.forEach((c, i) => {
      EMOTION_LABELS.forEach((label, j) => {
        worst = Math.max(worst, Math.abs((results[i]?.scores[label] ?? Number.NaN) - (c.scores[j] ?? Number.NaN)));
      });
    });

    expect(worst).toBeLessThanOrEqual(1e-5);
  });
});
