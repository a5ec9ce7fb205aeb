import type { Classification, Classifier } from "./classifier.js";

interface Pending {
  text: string;
  resolve(result: Classification): void;
  reject(error: Error): void;
}

/**
 * Coalesces concurrent `classify` calls into batches of at most `maxBatch`. An idle batcher starts at once (after
 * the current microtask, so calls made together go together); while a batch runs, new texts queue and go as the
 * next batch when it finishes. No timer ever delays a text.
 */
export class ClassificationBatcher {
  readonly #classifier: Classifier;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #running = false;
  #scheduled = false;
  #closed = false;
  #idle: (() => void) | undefined;

  constructor(classifier: Classifier, options: { maxBatch: number }) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new Error(
        `failed to create classification batcher (maxBatch ${options.maxBatch} is not a positive integer)`,
      );
    }
    this.#classifier = classifier;
    this.#maxBatch = options.maxBatch;
  }

  /** Scores one text; rejects only if the batcher is closed or the model itself fails. */
  classify(text: string): Promise<Classification> {
    if (this.#closed) {
      return Promise.reject(new Error("failed to classify text (classification batcher is closed)"));
    }

    return new Promise((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      this.#schedule();
    });
  }

  /** Refuses new texts and resolves once every queued text has its result. Does not close the classifier. */
  close(): Promise<void> {
    this.#closed = true;
    if (!this.#running && !this.#scheduled && this.#queue.length === 0) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      this.#idle = resolve;
    });
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) {
      return;
    }
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#next();
    });
  }

  #next(): void {
    if (this.#queue.length === 0) {
      this.#idle?.();

      return;
    }
    const batch = this.#queue.splice(0, this.#maxBatch);
    this.#running = true;
    void this.#run(batch).finally(() => {
      this.#running = false;
      this.#next();
    });
  }

  async #run(batch: Pending[]): Promise<void> {
    try {
      const results = await this.#classifier.classify(batch.map((pending) => pending.text));
      batch.forEach((pending, i) => {
        const result = results[i];
        if (result === undefined) {
          pending.reject(
            new Error(`failed to classify text (model '${this.#classifier.name}' returned too few results)`),
          );
        } else {
          pending.resolve(result);
        }
      });
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) {
        pending.reject(cause);
      }
    }
  }
}
