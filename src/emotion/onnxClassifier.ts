import { join } from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import type { Logger } from "../logger.js";
import type { Classification, Classifier, ClassifierOptions } from "./classifier.js";
import { EMOTION_LABELS, type EmotionLabel, type EmotionScores } from "./labels.js";
import { type ModelManifest, readModelManifest } from "./modelManifest.js";
import { resolveModelPath } from "./modelPath.js";
import { Tokenizer } from "./tokenizer.js";

const WARM_UP_TEXT = "warming up the emotion model";

/** An emotion model in ONNX format, run by onnxruntime-node. The only module that imports onnxruntime-node. */
export class OnnxClassifier implements Classifier {
  readonly name: string;
  readonly version: string;
  readonly #session: InferenceSession;
  readonly #tokenizer: Tokenizer;
  readonly #manifest: ModelManifest;
  readonly #thresholds: number[];

  private constructor(session: InferenceSession, tokenizer: Tokenizer, manifest: ModelManifest) {
    this.name = manifest.name;
    this.version = manifest.version;
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.#manifest = manifest;
    this.#thresholds = EMOTION_LABELS.map((label) => manifest.thresholds[label]);
  }

  /** Loads the model folder once, logs what it loaded, and runs one warm-up inference. */
  static async load(options: ClassifierOptions): Promise<OnnxClassifier> {
    const dir = resolveModelPath(options.path);
    const manifest = await readModelManifest(dir);
    const tokenizer = await Tokenizer.fromFile(join(dir, manifest.tokenizer.vocabulary), {
      ...manifest.tokenizer,
      maxChars: manifest.normalization.maxChars,
    });
    const session = await createSession(join(dir, manifest.onnx.file), options.threads ?? 1);
    const classifier = new OnnxClassifier(session, tokenizer, manifest);
    await classifier.classify([WARM_UP_TEXT]);
    logLoaded(options.logger, dir, classifier, tokenizer.size);

    return classifier;
  }

  async classify(texts: readonly string[]): Promise<Classification[]> {
    if (texts.length === 0) {
      return [];
    }
    const sequences = texts.map((text) => this.#tokenizer.encode(text));
    const { input, output } = this.#manifest.onnx;
    const results = await this.#session.run({ [input]: toBatchTensor(sequences, this.#tokenizer.settings.padId) });
    const scores = results[output]?.data;
    if (!(scores instanceof Float32Array) || scores.length !== texts.length * EMOTION_LABELS.length) {
      throw new Error(`failed to read output '${output}' of model '${this.name}' (missing or wrongly shaped)`);
    }

    return texts.map((_, row) => this.#toClassification(scores, row * EMOTION_LABELS.length));
  }

  async close(): Promise<void> {
    await this.#session.release();
  }

  #toClassification(scores: Float32Array, offset: number): Classification {
    const result = {} as EmotionScores;
    const labels: EmotionLabel[] = [];
    let top: EmotionLabel = EMOTION_LABELS[0];
    let best = Number.NEGATIVE_INFINITY;
    EMOTION_LABELS.forEach((label, i) => {
      const score = scores[offset + i] ?? 0;
      result[label] = score;
      if (score >= (this.#thresholds[i] ?? 1)) {
        labels.push(label);
      }
      if (score > best) {
        best = score;
        top = label;
      }
    });

    return { scores: result, labels, top };
  }
}

async function createSession(file: string, threads: number): Promise<InferenceSession> {
  // One thread by default: single utterances gain nothing from more, and the hub shares the machine.
  return InferenceSession.create(file, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
}

/** Pads every sequence with `padId` to the longest in the batch (at least one column, for empty texts). */
function toBatchTensor(sequences: number[][], padId: number): Tensor {
  const width = sequences.reduce((longest, ids) => Math.max(longest, ids.length), 1);
  const data = new BigInt64Array(sequences.length * width).fill(BigInt(padId));
  sequences.forEach((ids, row) => {
    ids.forEach((id, col) => {
      data[row * width + col] = BigInt(id);
    });
  });

  return new Tensor("int64", data, [sequences.length, width]);
}

function logLoaded(logger: Logger, dir: string, classifier: OnnxClassifier, words: number): void {
  logger.info(
    { model: classifier.name, version: classifier.version, path: dir, vocabulary: words },
    `loaded emotion model '${classifier.name}' version ${classifier.version} from '${dir}'`,
  );
}
