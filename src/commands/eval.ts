import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Classification, Classifier } from "../emotion/classifier.js";
import { createClassifier } from "../emotion/classifierFactory.js";
import { type EvaluationResult, evaluate } from "../emotion/evaluation.js";
import { EMOTION_LABELS, type EmotionLabel } from "../emotion/labels.js";
import { shippedModelPath } from "../emotion/modelPath.js";
import { normalizeVoice } from "../emotion/normalize.js";
import { type CommandIo, defaultIo } from "./classify.js";

export const summary = "score the model on a GoEmotions-format TSV file (macro-F1, micro-F1, per-label F1, top-1)";

const USAGE = `usage: emotion-hub eval --data FILE.tsv [--voice-only] [--min-macro-f1 X] [--model DIR]

FILE.tsv holds GoEmotions Ekman lines: text<TAB>label ids (comma-separated, in the order
${EMOTION_LABELS.join(", ")})<TAB>id. With --min-macro-f1, exits 1 when voice-style macro-F1 is below X.`;

/** Texts go to the model in batches of this size. */
const BATCH = 256;
/** Voice-style text is never longer than this many characters before it reaches the model. */
const VOICE_MAX_CHARS = 100_000;

interface EvalOptions {
  data: string;
  model: string;
  voiceOnly: boolean;
  minMacroF1: number | undefined;
}

interface Example {
  text: string;
  labels: EmotionLabel[];
}

export async function run(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  let options: EvalOptions;
  let examples: Example[];
  try {
    options = parseOptions(argv);
    examples = parseExamples(await readFile(options.data, "utf8"), options.data);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);

    return 2;
  }
  const classifier = await createClassifier({ type: "onnx", path: options.model, logger: io.logger });
  const gold = examples.map((example) => example.labels);
  const texts = examples.map((example) => example.text);
  const columns: [string, EvaluationResult][] = [];
  try {
    if (!options.voiceOnly) {
      columns.push(["as given", evaluate(gold, await classifyAll(classifier, texts))]);
    }
    const voiceTexts = texts.map((text) => normalizeVoice(text, VOICE_MAX_CHARS));
    columns.push(["voice style", evaluate(gold, await classifyAll(classifier, voiceTexts))]);
  } finally {
    await classifier.close();
  }
  io.stdout.write(formatReport(`${classifier.name} ${classifier.version}`, options.data, columns));

  return passesFloor(columns, options.minMacroF1, io) ? 0 : 1;
}

function parseOptions(argv: string[]): EvalOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      model: { type: "string" },
      "voice-only": { type: "boolean", default: false },
      "min-macro-f1": { type: "string" },
    },
    strict: true,
  });
  if (values.data === undefined) {
    throw new Error("missing --data FILE.tsv");
  }
  const floor = values["min-macro-f1"];
  const minMacroF1 = floor === undefined ? undefined : Number(floor);
  if (minMacroF1 !== undefined && !(minMacroF1 >= 0 && minMacroF1 <= 1)) {
    throw new Error(`invalid --min-macro-f1 '${floor}' (expected a number from 0 to 1)`);
  }

  return { data: values.data, model: values.model ?? shippedModelPath(), voiceOnly: values["voice-only"], minMacroF1 };
}

/** Parses GoEmotions lines; throws naming the file and line of the first bad one. */
export function parseExamples(content: string, file: string): Example[] {
  const examples: Example[] = [];
  content.split("\n").forEach((line, index) => {
    if (line.trim() === "") {
      return;
    }
    const [text, ids] = line.replace(/\r$/, "").split("\t");
    const labels = (ids ?? "").split(",").map((id) => EMOTION_LABELS[Number(id)]);
    if (text === undefined || ids === undefined || ids === "" || labels.some((label) => label === undefined)) {
      throw new Error(`failed to read '${file}' line ${index + 1} (expected text<TAB>label ids 0-6)`);
    }
    examples.push({ text, labels: labels as EmotionLabel[] });
  });
  if (examples.length === 0) {
    throw new Error(`failed to read '${file}' (no examples)`);
  }

  return examples;
}

async function classifyAll(classifier: Classifier, texts: readonly string[]): Promise<Classification[]> {
  const results: Classification[] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    results.push(...(await classifier.classify(texts.slice(start, start + BATCH))));
  }

  return results;
}

function formatReport(model: string, data: string, columns: [string, EvaluationResult][]): string {
  const rows: [string, (result: EvaluationResult) => number][] = [
    ["macro-F1", (r) => r.macroF1],
    ["micro-F1", (r) => r.microF1],
    ["top-1 accuracy", (r) => r.top1Accuracy],
    ...EMOTION_LABELS.map((label): [string, (r: EvaluationResult) => number] => [
      `F1 ${label}`,
      (r) => r.perLabelF1[label],
    ]),
  ];
  const header = `${"".padEnd(16)}${columns.map(([name]) => name.padStart(14)).join("")}`;
  const lines = rows.map(
    ([name, pick]) => `${name.padEnd(16)}${columns.map(([, r]) => pick(r).toFixed(4).padStart(14)).join("")}`,
  );
  const count = columns[0]?.[1].count ?? 0;

  return [`model: ${model}`, `data: ${data} (${count} examples)`, "", header, ...lines, ""].join("\n");
}

function passesFloor(columns: [string, EvaluationResult][], floor: number | undefined, io: CommandIo): boolean {
  const voice = columns.at(-1)?.[1];
  if (floor === undefined || voice === undefined || voice.macroF1 >= floor) {
    return true;
  }
  io.stderr.write(`voice-style macro-F1 ${voice.macroF1.toFixed(4)} is below the floor ${floor}\n`);

  return false;
}
