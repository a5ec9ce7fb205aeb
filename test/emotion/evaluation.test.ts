import { describe, expect, it } from "vitest";
import type { Classification } from "../../src/emotion/classifier.js";
import { evaluate } from "../../src/emotion/evaluation.js";
import type { EmotionLabel } from "../../src/emotion/labels.js";

function predicted(labels: EmotionLabel[], top: EmotionLabel): Classification {
  const scores = { anger: 0, disgust: 0, fear: 0, joy: 0, neutral: 0, sadness: 0, surprise: 0 };

  return { scores, labels, top };
}

describe("evaluate", () => {
  it("computes per-label, macro and micro F1 and top-1 accuracy from label sets", () => {
    const gold: EmotionLabel[][] = [["joy"], ["anger", "sadness"], ["neutral"], ["joy"]];
    const predictions = [
      predicted(["joy"], "joy"),
      predicted(["anger"], "anger"),
      predicted(["joy"], "joy"),
      predicted([], "neutral"),
    ];

    const result = evaluate(gold, predictions);

    // joy: tp 1, predicted 2, gold 2 -> 0.5; anger: 1, 1, 1 -> 1; sadness: 0, 0, 1 -> 0; neutral: 0, 0, 1 -> 0.
    expect(result.perLabelF1).toEqual({ anger: 1, disgust: 0, fear: 0, joy: 0.5, neutral: 0, sadness: 0, surprise: 0 });
    expect(result.macroF1).toBeCloseTo(1.5 / 7, 10);
    // Pooled: tp 2, predicted 3, gold 5.
    expect(result.microF1).toBeCloseTo(4 / 8, 10);
    expect(result.top1Accuracy).toBe(0.5);
    expect(result.count).toBe(4);
  });

  it("refuses gold and predictions of different lengths", () => {
    expect(() => evaluate([["joy"]], [])).toThrow("1 gold examples but 0 predictions");
  });
});
