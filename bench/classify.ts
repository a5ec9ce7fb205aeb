/**
 * Benchmark of the shipped emotion model: latency of one utterance, throughput of batches, resident memory.
 * Run with `npm run bench:classify [-- --model DIR --threads N]`.
 */
import { parseArgs } from "node:util";
import type { Classifier } from "../src/emotion/classifier.js";
import { createClassifier } from "../src/emotion/classifierFactory.js";
import { shippedModelPath } from "../src/emotion/modelPath.js";
import { silentLogger } from "../src/logger.js";
import { parseThreads } from "./modelThreads.js";

const UTTERANCES = [
  "turn on the kitchen lights",
  "i am so tired of this weather it has rained all week",
  "wow that was amazing thank you so much",
  "set a timer for ten minutes",
  "why does nobody ever listen to me",
  "i miss my grandmother she used to sing that song",
  "play something relaxing",
  "that is the most disgusting thing i have ever seen",
  "i cannot believe we actually won the game",
  "what is the weather like tomorrow",
  "i am scared there is someone outside",
  "ok",
];
const SINGLE_RUNS = 5000;
const BATCH_SIZES = [1, 8, 32, 64, 128];
const BATCH_SECONDS = 1.5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function singleLatency(classifier: Classifier): Promise<{ median: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < SINGLE_RUNS; i += 1) {
    const text = UTTERANCES[i % UTTERANCES.length] ?? "";
    const start = process.hrtime.bigint();
    await classifier.classify([text]);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);

  return { median: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(classifier: Classifier, size: number): Promise<number> {
  const batch = Array.from({ length: size }, (_, i) => UTTERANCES[i % UTTERANCES.length] ?? "");
  let done = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < BATCH_SECONDS) {
    await classifier.classify(batch);
    done += size;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }

  return done / elapsed;
}

function row(name: string, value: string): string {
  return `| ${name.padEnd(34)} | ${value.padStart(14)} |\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: "string" }, threads: { type: "string" } } });
  const threads = parseThreads(values.threads);
  const rssBefore = process.memoryUsage().rss;
  const classifier = await createClassifier({
    type: "onnx",
    path: values.model ?? shippedModelPath(),
    threads,
    logger: silentLogger(),
  });
  const rssLoaded = process.memoryUsage().rss;
  const single = await singleLatency(classifier);
  const out = [
    `model ${classifier.name} ${classifier.version}, ${threads} thread(s) per run, Node ${process.version}\n\n`,
  ];
  out.push(row("measure", "value"), `|${"-".repeat(36)}|${"-".repeat(16)}|\n`);
  out.push(row(`one utterance, median (${SINGLE_RUNS} runs)`, `${single.median.toFixed(3)} ms`));
  out.push(row("one utterance, p99", `${single.p99.toFixed(3)} ms`));
  for (const size of BATCH_SIZES) {
    out.push(row(`throughput, batches of ${size}`, `${Math.round(await throughput(classifier, size))} /s`));
  }
  out.push(row("resident memory before model", `${(rssBefore / 2 ** 20).toFixed(0)} MiB`));
  out.push(row("resident memory, model loaded", `${(rssLoaded / 2 ** 20).toFixed(0)} MiB`));
  out.push(row("resident memory, after runs", `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`));
  await classifier.close();
  process.stdout.write(out.join(""));
}

await main();
