import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import { ClassificationBatcher } from "../emotion/batcher.js";
import type { Classification, Classifier } from "../emotion/classifier.js";
import { createClassifier } from "../emotion/classifierFactory.js";
import { EMOTION_LABELS } from "../emotion/labels.js";
import { shippedModelPath } from "../emotion/modelPath.js";
import { createLogger, type Logger } from "../logger.js";

export const summary = "print the emotion of each utterance (arguments, or one per line on stdin) as JSON lines";

/** Where a command reads and writes; tests pass their own streams. */
export interface CommandIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  logger: Logger;
}

const USAGE = `usage: emotion-hub classify [--model DIR] ["utterance" ...]

Without utterances, reads one utterance per line from standard input. Writes one JSON line per utterance:
{"scores": {...}, "labels": [...], "top": "..."}`;

/** How many lines may wait for their result before reading pauses. */
const MAX_IN_FLIGHT = 256;

export function defaultIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, logger: createLogger("info") };
}

export async function run(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  let options: { model: string; utterances: string[] };
  try {
    options = parseOptions(argv);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);

    return 2;
  }
  const classifier = await createClassifier({ type: "onnx", path: options.model, logger: io.logger });
  try {
    if (options.utterances.length > 0) {
      const results = await classifier.classify(options.utterances);
      io.stdout.write(results.map(formatLine).join(""));
    } else {
      await classifyLines(classifier, io);
    }
  } finally {
    await classifier.close();
  }

  return 0;
}

/** One utterance's result as the JSON line `classify` prints, scores rounded to four decimals. */
export function formatLine(result: Classification): string {
  const scores = Object.fromEntries(
    EMOTION_LABELS.map((label) => [label, Math.round(result.scores[label] * 1e4) / 1e4]),
  );

  return `${JSON.stringify({ scores, labels: result.labels, top: result.top })}\n`;
}

function parseOptions(argv: string[]): { model: string; utterances: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { model: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });

  return { model: values.model ?? shippedModelPath(), utterances: positionals };
}

/** Classifies stdin line by line through a batcher, writing each result as soon as it and those before it are done. */
async function classifyLines(classifier: Classifier, io: CommandIo): Promise<void> {
  const batcher = new ClassificationBatcher(classifier, { maxBatch: 64 });
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let written = Promise.resolve();
  let inFlight = 0;
  for await (const line of lines) {
    const result = batcher.classify(line);
    // Handled below, in order; this only stops an early failure from counting as unhandled meanwhile.
    result.catch(() => undefined);
    inFlight += 1;
    written = written.then(async () => {
      io.stdout.write(formatLine(await result));
      inFlight -= 1;
    });
    if (inFlight >= MAX_IN_FLIGHT) {
      await written;
    }
  }
  await written;
  await batcher.close();
}
