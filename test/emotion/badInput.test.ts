import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Classifier } from "../../src/emotion/classifier.js";
import { EMOTION_LABELS } from "../../src/emotion/labels.js";
import { loadShippedModel } from "./modelFixture.js";

const ODD_TEXTS: [string, string][] = [
  ["empty", ""],
  ["spaces only", "   \t  "],
  ["100 kB of words", "tell me a story ".repeat(6400)],
  ["100 kB without a space", "a".repeat(100_000)],
  ["emoji only", "😀🎉🔥👍"],
  ["Cyrillic", "включи свет на кухне"],
  ["Chinese", "打开厨房的灯"],
  ["Arabic", "شغل الضوء في المطبخ"],
  ["control characters", "\u0000\u0001\u0007\u001b[31m\u007f"],
  ["lone surrogate", "\ud83d hello"],
  ["punctuation only", "?!...,;:-()[]{}"],
];

describe("odd input", () => {
  let classifier: Classifier;

  beforeAll(async () => {
    classifier = await loadShippedModel();
  });

  afterAll(async () => {
    await classifier.close();
  });

  it.each(ODD_TEXTS)("classifies %s with seven scores in [0, 1]", async (_, text) => {
    const [result] = await classifier.classify([text]);

    expect(result).toBeDefined();
    for (const label of EMOTION_LABELS) {
      expect(result?.scores[label]).toBeGreaterThanOrEqual(0);
      expect(result?.scores[label]).toBeLessThanOrEqual(1);
    }
    expect(EMOTION_LABELS).toContain(result?.top);
  });

  it("calls most odd texts neutral", async () => {
    const results = await classifier.classify(ODD_TEXTS.map(([, text]) => text));
    const neutral = results.filter((result) => result.top === "neutral");

    expect(neutral.length).toBeGreaterThanOrEqual(Math.ceil(ODD_TEXTS.length * 0.7));
  });

  it.each(["", "😀🎉", "?!", "\u0000\u0007"])(
    "calls %j, which holds no word, neutral and nothing else",
    async (text) => {
      const [result] = await classifier.classify([text]);

      expect(result?.top).toBe("neutral");
      expect(result?.labels).toEqual(["neutral"]);
    },
  );

  it("scores a text the same alone and in a batch with longer texts", async () => {
    const [alone] = await classifier.classify(["i am so happy"]);
    const [batched] = await classifier.classify(["i am so happy", "tell me a story ".repeat(20), ""]);

    for (const label of EMOTION_LABELS) {
      expect(batched?.scores[label]).toBeCloseTo(alone?.scores[label] ?? Number.NaN, 6);
    }
  });

  it("returns nothing for an empty batch", async () => {
    await expect(classifier.classify([])).resolves.toEqual([]);
  });
});
