import type { Logger } from "../logger.js";
import type { EmotionLabel, EmotionScores } from "./labels.js";

/** What the model says about one utterance. */
export interface Classification {
  scores: EmotionScores;
  /** The labels whose score passes that label's tuned threshold (may be empty). */
  labels: EmotionLabel[];
  /** The label with the highest score. */
  top: EmotionLabel;
}

/** A loaded emotion model. Implementations live one per file and register in `classifierFactory.ts`. */
export interface Classifier {
  readonly name: string;
  readonly version: string;
  /** Scores each text; the result has one entry per input, in order. Never rejects for odd text. */
  classify(texts: readonly string[]): Promise<Classification[]>;
  close(): Promise<void>;
}

export interface ClassifierOptions {
  /** Which backend, for example `onnx`. */
  type: string;
  /** Folder holding the model files (`model.onnx`, `model.json`). */
  path: string;
  /** Threads one run of the model may use; default 1. */
  threads?: number;
  logger: Logger;
}
