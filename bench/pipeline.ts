/**
 * `npm run bench:pipeline`: the hub against a bare relay and against Node-RED with node-red-node-sentiment, through
 * one private Mosquitto, at paced loads and at full speed, QoS 0 and 1. See docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startHub } from "./pipeline/hubSubject.js";
import { LoadGenerator } from "./pipeline/loadGenerator.js";
import { Mosquitto } from "./pipeline/mosquitto.js";
import { startNodeRed } from "./pipeline/noderedSubject.js";
import { type BenchOptions, parseOptions, USAGE } from "./pipeline/options.js";
import { ProcessGroup } from "./pipeline/processGroup.js";
import { startRelay } from "./pipeline/relaySubject.js";
import { ratios, subjectTable } from "./pipeline/report.js";
import type { Subject, SubjectContext, SubjectName } from "./pipeline/subject.js";
import { runInterleaved, type SubjectRecord } from "./pipeline/subjectRuns.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_TIMEOUT_MS = 300_000;
const STARTERS: Record<SubjectName, (context: SubjectContext) => Promise<Subject>> = {
  relay: startRelay,
  nodered: startNodeRed,
  hub: startHub,
};

const processes = new ProcessGroup();
const tmp = mkdtempSync(join(os.tmpdir(), "emotion-hub-bench-"));

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Everything the bench started goes away, however it ends. */
function removeLeftovers(): void {
  processes.killNow();
  rmSync(tmp, { recursive: true, force: true });
}

async function build(): Promise<string | undefined> {
  progress("npm run build");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = processes.start("npm run build", npm, ["run", "build", "--silent"], { cwd: ROOT });
  const timer = setTimeout(() => void run.stop(), BUILD_TIMEOUT_MS);
  const code = await run.exited;
  clearTimeout(timer);

  return code === 0 ? undefined : `npm run build failed (exit ${code}):\n${run.tail(20)}`;
}

function packageVersion(name: string): string {
  const file = join(ROOT, "node_modules", name, "package.json");

  return `${name} ${(JSON.parse(readFileSync(file, "utf8")) as { version: string }).version}`;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

function header(options: BenchOptions, started: Date): string {
  const cpus = os.cpus();
  const load = loadAverage();
  const args = process.argv.slice(2).join(" ");

  return [
    `## Pipeline bench, ${started.toISOString()}`,
    "",
    `- command: \`npm run bench:pipeline${args ? ` -- ${args}` : ""}\``,
    `- machine: ${cpus.length} x ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at start ${load}`,
    `- versions: ${Mosquitto.version()} (set_tcp_nodelay true, persistence false), ${packageVersion("node-red")}, ${packageVersion("node-red-node-sentiment")}, ${packageVersion("mqtt")}`,
    `- loads: ${options.rates.join(", ")} msg/s for ${options.durationMs / 1000} s each, then ${options.count} messages at full speed with at most ${options.window} unanswered; subjects take turns load by load; warm-up before each QoS`,
    ...(options.model === undefined ? [] : [`- hub model: ${options.model} (--model)`]),
    `- hub model threads per run: ${options.modelThreads}`,
    "- latency: publish call to the matching answer (by id), in the bench process; RSS: highest VmRSS of the subject process during the run",
  ].join("\n");
}

function context(broker: Mosquitto, dir: string): SubjectContext {
  return { brokerUrl: broker.url, brokerPort: broker.port, processes, dir, root: ROOT };
}

async function startSubject(name: SubjectName, broker: Mosquitto, options: BenchOptions): Promise<Subject> {
  const dir = join(tmp, name);
  mkdirSync(dir);
  progress(`starting ${name}`);

  return STARTERS[name]({ ...context(broker, dir), model: options.model, modelThreads: options.modelThreads });
}

async function collectNotes(record: SubjectRecord, options: BenchOptions): Promise<void> {
  const { subject, notes } = record;
  notes.push(...options.qos.map((qos) => subject.note(qos)).filter((note): note is string => note !== undefined));
  try {
    notes.push(...((await subject.diagnostics?.()) ?? []));
  } catch (error) {
    notes.push(`failed to read the ${subject.name}'s own figures (${(error as Error).message})`);
  }
}

function report(head: string, records: SubjectRecord[], failures: string[]): string {
  const sections = [head];
  for (const { subject, rows, notes } of records.filter((record) => record.rows.length > 0)) {
    sections.push(subjectTable(subject.name, rows, notes));
  }
  sections.push(ratios(records.flatMap((record) => record.rows)));
  const all = [
    ...failures,
    ...records.flatMap((r) => (r.failure === undefined ? [] : [`${r.subject.name}: ${r.failure}`])),
  ];
  if (all.length > 0) {
    sections.push(["### failures", "", ...all.map((failure) => `\`\`\`\n${failure}\n\`\`\``)].join("\n"));
  }
  sections.push(`Load average at the end: ${loadAverage()}`);

  return `${sections.filter((section) => section !== "").join("\n\n")}\n`;
}

async function main(options: BenchOptions): Promise<number> {
  const head = header(options, new Date());
  const failures: string[] = [];
  const names = [...options.subjects];
  if (names.includes("hub") && options.build) {
    const failed = await build();
    if (failed !== undefined) {
      failures.push(`hub: skipped, ${failed}`);
      names.splice(names.indexOf("hub"), 1);
    }
  }
  const broker = await Mosquitto.start(processes, tmp);
  progress(`Mosquitto on ${broker.url}`);
  const records: SubjectRecord[] = [];
  for (const name of names) {
    try {
      records.push({ subject: await startSubject(name, broker, options), rows: [], notes: [] });
    } catch (error) {
      failures.push(`${name}: failed to start (${(error as Error).message})`);
    }
  }
  const generator = await LoadGenerator.connect(broker.url);
  await runInterleaved(records, generator, options, progress);
  await generator.close();
  for (const record of records) {
    await collectNotes(record, options);
    await record.subject.stop();
  }
  await broker.stop();
  process.stdout.write(report(head, records, failures));

  return failures.length === 0 && records.every((record) => record.failure === undefined) ? 0 : 1;
}

function watchdog(options: BenchOptions): NodeJS.Timeout {
  // Every wait inside the bench is bounded; this is the last line of defence against one that is not.
  const minutes = options.quick ? 10 : 40;
  const timer = setTimeout(() => {
    progress(`gave up after ${minutes} minutes`);
    void processes.stopAll().finally(() => process.exit(1));
  }, minutes * 60_000);
  timer.unref();

  return timer;
}

process.on("exit", removeLeftovers);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    progress(`received ${signal}, stopping`);
    void processes.stopAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  });
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const timer = watchdog(options);
try {
  process.exitCode = await main(options);
} catch (error) {
  console.error(`pipeline bench failed (${(error as Error).message})`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
  await processes.stopAll();
}
