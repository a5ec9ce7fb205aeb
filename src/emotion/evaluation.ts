import type { Classification } from "./classifier.js";
import { EMOTION_LABELS, type EmotionLabel } from "./labels.js";

/** How well predicted label sets match the gold ones, multi-label. */
export interface EvaluationResult {
  count: number;
  /** Mean of the seven per-label F1 scores. */
  macroF1: number;
  /** F1 over all (example, label) decisions pooled. */
  microF1: number;
  /** Share of examples whose highest-scoring label is one of the gold labels. */
  top1Accuracy: number;
  perLabelF1: Record<EmotionLabel, number>;
}

interface Counts {
  truePositive: number;
  predicted: number;
  gold: number;
}

/** Scores `predictions` against `gold` (each a set of labels for the same example, in the same order). */
export function evaluate(
  gold: readonly (readonly EmotionLabel[])[],
  predictions: readonly Classification[],
): EvaluationResult {
  if (gold.length !== predictions.length) {
    throw new Error(`failed to evaluate (${gold.length} gold examples but ${predictions.length} predictions)`);
  }
  const perLabel = new Map(EMOTION_LABELS.map((label) => [label, { truePositive: 0, predicted: 0, gold: 0 }]));
  let topHits = 0;
  predictions.forEach((prediction, i) => {
    const expected = gold[i] ?? [];
    if (expected.includes(prediction.top)) {
      topHits += 1;
    }
    for (const [label, counts] of perLabel) {
      count(counts, prediction.labels.includes(label), expected.includes(label));
    }
  });
  const perLabelF1 = Object.fromEntries([...perLabel].map(([label, counts]) => [label, f1(counts)])) as Record<
    EmotionLabel,
    number
  >;
  const pooled = [...perLabel.values()].reduce(addCounts, { truePositive: 0, predicted: 0, gold: 0 });

  return {
    count: gold.length,
    macroF1: EMOTION_LABELS.reduce((sum, label) => sum + perLabelF1[label], 0) / EMOTION_LABELS.length,
    microF1: f1(pooled),
    top1Accuracy: gold.length === 0 ? 0 : topHits / gold.length,
    perLabelF1,
  };
}

function count(counts: Counts, predicted: boolean, gold: boolean): void {
  counts.predicted += predicted ? 1 : 0;
  counts.gold += gold ? 1 : 0;
  counts.truePositive += predicted && gold ? 1 : 0;
}

function addCounts(a: Counts, b: Counts): Counts {
  return { truePositive: a.truePositive + b.truePositive, predicted: a.predicted + b.predicted, gold: a.gold + b.gold };
}

/** F1 from counts; zero when there is nothing to predict and nothing predicted. */
function f1(counts: Counts): number {
  const denominator = counts.predicted + counts.gold;

  return denominator === 0 ? 0 : (2 * counts.truePositive) / denominator;
}
