import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Classifier } from "../../src/emotion/classifier.js";
import { createClassifier } from "../../src/emotion/classifierFactory.js";
import { shippedModelPath } from "../../src/emotion/modelPath.js";
import { silentLogger } from "../../src/logger.js";

/** The model committed in models/; tests run against the real files. */
export const MODEL_DIR = shippedModelPath();

export function loadShippedModel(): Promise<Classifier> {
  return createClassifier({ type: "onnx", path: MODEL_DIR, logger: silentLogger() });
}

/** The hand-written device commands, without comments and blank lines. */
export function deviceCommands(): string[] {
  return readFileSync(join(import.meta.dirname, "deviceCommands.txt"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
