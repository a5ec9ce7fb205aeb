import { describe, expect, it } from "vitest";
import { createClassifier } from "../../src/emotion/classifierFactory.js";
import { silentLogger } from "../../src/logger.js";
import { MODEL_DIR } from "./modelFixture.js";

describe("createClassifier", () => {
  it("loads the shipped model with the onnx backend, named and versioned", async () => {
    const classifier = await createClassifier({ type: "onnx", path: MODEL_DIR, logger: silentLogger() });
    const [result] = await classifier.classify(["i am so angry, this is outrageous"]);
    await classifier.close();

    expect(classifier.name).toBe("emotion-cnn");
    expect(classifier.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result?.top).toBe("anger");
  });

  it("scores the same with two threads per run as with one", async () => {
    const texts = ["i am so angry, this is outrageous", "turn on the kitchen lights", "i miss her so much"];
    const scoresWith = async (threads: number) => {
      const classifier = await createClassifier({ type: "onnx", path: MODEL_DIR, threads, logger: silentLogger() });
      const results = await classifier.classify(texts);
      await classifier.close();

      return results.flatMap((result) => Object.values(result.scores));
    };
    const one = await scoresWith(1);
    const two = await scoresWith(2);

    expect(two).toHaveLength(one.length);
    two.forEach((score, i) => {
      expect(score).toBeCloseTo(one[i] ?? Number.NaN, 6);
    });
  });

  it("refuses an unknown type, naming it and the known ones", async () => {
    await expect(createClassifier({ type: "tflite", path: MODEL_DIR, logger: silentLogger() })).rejects.toThrow(
      "failed to create classifier of type 'tflite' (unknown type; known: onnx)",
    );
  });

  it("refuses a name inherited from Object.prototype", async () => {
    await expect(createClassifier({ type: "toString", path: MODEL_DIR, logger: silentLogger() })).rejects.toThrow(
      "unknown type",
    );
  });

  it("names the folder when the model is missing", async () => {
    await expect(
      createClassifier({ type: "onnx", path: "/nonexistent/model", logger: silentLogger() }),
    ).rejects.toThrow("/nonexistent/model");
  });
});
