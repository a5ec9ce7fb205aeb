import { describe, expect, it } from "vitest";
import { ClassificationBatcher } from "../../src/emotion/batcher.js";
import type { Classification, Classifier } from "../../src/emotion/classifier.js";

/** A classifier whose batches finish only when the test says so, recording what each batch held. */
class GatedClassifier implements Classifier {
  readonly name = "gated";
  readonly version = "0";
  readonly batches: string[][] = [];
  #gates: (() => void)[] = [];
  #started: (() => void)[] = [];
  failWith: Error | undefined;

  classify(texts: readonly string[]): Promise<Classification[]> {
    this.batches.push([...texts]);
    for (const notify of this.#started.splice(0)) {
      notify();
    }

    return new Promise((resolve, reject) => {
      this.#gates.push(() => (this.failWith ? reject(this.failWith) : resolve(texts.map(fakeResult))));
    });
  }

  /** Resolves when a batch has started (immediately if one is already waiting at its gate). */
  batchStarted(): Promise<void> {
    return this.#gates.length > 0 ? Promise.resolve() : new Promise((resolve) => this.#started.push(resolve));
  }

  finishBatch(): void {
    this.#gates.shift()?.();
  }

  async close(): Promise<void> {}
}

function fakeResult(text: string): Classification {
  const joy = text.length / 100;
  const scores = { anger: 0, disgust: 0, fear: 0, joy, neutral: 1 - joy, sadness: 0, surprise: 0 };

  return { scores, labels: [], top: joy > 0.5 ? "joy" : "neutral" };
}

describe("ClassificationBatcher", () => {
  it("sends texts queued during a running batch together as the next batch", async () => {
    const classifier = new GatedClassifier();
    const batcher = new ClassificationBatcher(classifier, { maxBatch: 8 });
    const first = batcher.classify("a");
    await classifier.batchStarted();
    const rest = ["bb", "ccc", "dddd"].map((text) => batcher.classify(text));
    classifier.finishBatch();
    await first;
    await classifier.batchStarted();
    classifier.finishBatch();
    const results = await Promise.all(rest);

    expect(classifier.batches).toEqual([["a"], ["bb", "ccc", "dddd"]]);
    expect(results.map((r) => r.scores.joy)).toEqual([0.02, 0.03, 0.04]);
  });

  it("coalesces calls made together and never exceeds maxBatch", async () => {
    const classifier = new GatedClassifier();
    const batcher = new ClassificationBatcher(classifier, { maxBatch: 3 });
    const all = ["1", "2", "3", "4", "5", "6", "7"].map((text) => batcher.classify(text));
    for (let i = 0; i < 3; i += 1) {
      await classifier.batchStarted();
      classifier.finishBatch();
    }
    await Promise.all(all);

    expect(classifier.batches).toEqual([["1", "2", "3"], ["4", "5", "6"], ["7"]]);
  });

  it("rejects the texts of a failed batch and keeps serving later ones", async () => {
    const classifier = new GatedClassifier();
    const batcher = new ClassificationBatcher(classifier, { maxBatch: 4 });
    classifier.failWith = new Error("model crashed");
    const failing = batcher.classify("x");
    await classifier.batchStarted();
    classifier.finishBatch();

    await expect(failing).rejects.toThrow("model crashed");
    classifier.failWith = undefined;
    const later = batcher.classify("y");
    await classifier.batchStarted();
    classifier.finishBatch();
    await expect(later).resolves.toMatchObject({ top: "neutral" });
  });

  it("finishes queued texts on close and refuses new ones", async () => {
    const classifier = new GatedClassifier();
    const batcher = new ClassificationBatcher(classifier, { maxBatch: 4 });
    const queued = batcher.classify("q");
    const closed = batcher.close();

    await expect(batcher.classify("late")).rejects.toThrow("closed");
    await classifier.batchStarted();
    classifier.finishBatch();
    await expect(queued).resolves.toMatchObject({ top: "neutral" });
    await expect(closed).resolves.toBeUndefined();
  });

  it("refuses a maxBatch below one", () => {
    expect(() => new ClassificationBatcher(new GatedClassifier(), { maxBatch: 0 })).toThrow("maxBatch 0");
  });
});
