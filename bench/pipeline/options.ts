import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseThreads } from "../modelThreads.js";
import { type Qos, SUBJECT_NAMES, type SubjectName } from "./subject.js";

/** What one run of the pipeline bench measures. */
export interface BenchOptions {
  subjects: SubjectName[];
  qos: Qos[];
  /** Paced loads, messages per second. */
  rates: number[];
  /** How long each paced load lasts. */
  durationMs: number;
  /** Messages sent at full speed. */
  count: number;
  /** Most unanswered messages at full speed. */
  window: number;
  /** Paced warm-up before measuring, and messages of the full-speed warm-up. */
  warmupMs: number;
  warmupCount: number;
  /** A model folder for the hub instead of its default (models/emotion-cnn). */
  model?: string;
  /** The hub's classifier.threads (default 1, the hub's own default). */
  modelThreads: number;
  /** Run `npm run build` before starting the hub. */
  build: boolean;
  quick: boolean;
}

export const USAGE = `usage: npm run bench:pipeline -- [options]
  --quick                  short runs, for a smoke check
  --subjects LIST          relay,nodered,hub (default: all three)
  --qos LIST               0,1 (default: both)
  --rates LIST             paced loads in messages/s (default: 50,200,1000)
  --duration SECONDS       length of each paced load (default: 5; quick: 1)
  --count N                messages at full speed (default: 20000; quick: 2000)
  --window N               most unanswered messages at full speed (default: 200)
  --model DIR              the hub's classifier.path (default: the hub's own, models/emotion-cnn)
  --threads N              the hub's classifier.threads, threads per model run (default: 1)
  --no-build               use dist/ as it is instead of running npm run build first`;

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value.split(",").map((item) => item.trim());
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0 || items.length === 0) {
    throw new Error(`unknown ${what} '${unknown.join(",")}' (choose from ${allowed.join(", ")})`);
  }

  return items as T[];
}

function positive(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) {
    return fallback;
  }

  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`${what} must be a positive number, not '${value}'`);
  }

  return number;
}

/** Reads the command line; throws an Error naming the bad option. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      subjects: { type: "string", default: SUBJECT_NAMES.join(",") },
      qos: { type: "string", default: "0,1" },
      rates: { type: "string" },
      duration: { type: "string" },
      count: { type: "string" },
      window: { type: "string" },
      model: { type: "string" },
      threads: { type: "string" },
      "no-build": { type: "boolean", default: false },
    },
  });
  const quick = values.quick;
  const rates = (values.rates ?? "50,200,1000").split(",").map((rate) => positive(rate, 0, "a rate"));

  return {
    subjects: list(values.subjects, SUBJECT_NAMES, "subject"),
    qos: list(values.qos, ["0", "1"], "QoS").map(Number) as Qos[],
    rates,
    durationMs: positive(values.duration, quick ? 1 : 5, "--duration") * 1000,
    count: Math.round(positive(values.count, quick ? 2000 : 20_000, "--count")),
    window: Math.round(positive(values.window, 200, "--window")),
    warmupMs: quick ? 1000 : 3000,
    warmupCount: quick ? 1000 : 5000,
    model: values.model === undefined ? undefined : resolve(values.model),
    modelThreads: parseThreads(values.threads),
    build: !values["no-build"],
    quick,
  };
}
