import { type HubInternals, hubInternals } from "./hubMetrics.js";
import type { LoadGenerator } from "./loadGenerator.js";
import type { Measurement, RunResult } from "./measurement.js";
import type { BenchOptions } from "./options.js";
import { RssSampler } from "./rssSampler.js";
import type { Qos, Subject, SubjectName } from "./subject.js";

/** One line of a subject's table. */
export interface RunRow {
  subject: SubjectName;
  qos: Qos;
  /** Messages per second asked for; undefined at full speed. */
  rate?: number;
  result: RunResult;
  /** Highest resident memory of the subject process during the run, MiB. */
  rssMb: number;
  /** What the subject's own metrics say about the run (the hub only). */
  internals?: HubInternals;
}

const WARMUP_RATE = 500;
const PROBE_TIMEOUT_MS = 60_000;
const PACED_DRAIN = { stallMs: 3000, maxMs: 30_000 };
const FLOOD_DRAIN = { stallMs: 3000, maxMs: 120_000 };

export type Progress = (line: string) => void;

type Measured = Pick<RunRow, "result" | "rssMb" | "internals">;

async function measured(subject: Subject, run: () => Promise<Measurement>): Promise<Measured> {
  // The subject's own figures only explain the run; failing to read them must not fail it.
  const read = () => subject.counters?.().catch(() => undefined);
  const before = await read();
  const sampler = new RssSampler(subject.pid);
  let rssMb = 0;
  sampler.start();
  const measurement = await run().finally(() => {
    rssMb = sampler.stop();
  });
  const after = await read();
  const internals = before !== undefined && after !== undefined ? hubInternals(before, after) : undefined;

  return { result: measurement.result(), rssMb, internals };
}

/** Both kinds of load once, unmeasured, so that JIT compilation and lazy set-up happen before the clock runs. */
async function warmUp(generator: LoadGenerator, options: BenchOptions): Promise<void> {
  await generator.paced(WARMUP_RATE, options.warmupMs, PACED_DRAIN);
  await generator.flood(options.warmupCount, options.window, FLOOD_DRAIN);
}

/** A subject under measurement: the rows measured so far, and why it stopped if it failed. */
export interface SubjectRecord {
  subject: Subject;
  rows: RunRow[];
  /** Notes printed under the subject's table. */
  notes: string[];
  failure?: string;
}

/** Runs one step for one subject; a failure ends that subject's measurements, never the others'. */
async function step(record: SubjectRecord, what: string, progress: Progress, run: () => Promise<void>): Promise<void> {
  if (record.failure !== undefined) {
    return;
  }

  progress(`${record.subject.name}: ${what}`);
  try {
    await run();
  } catch (error) {
    record.failure = `failed at ${what} (${(error as Error).message})\n${record.subject.tail()}`;
    progress(`${record.subject.name} failed at ${what} (${(error as Error).message})`);
  }
}

async function runQos(
  records: SubjectRecord[],
  qos: Qos,
  generator: LoadGenerator,
  options: BenchOptions,
  progress: Progress,
) {
  const attach = (subject: Subject) => generator.attach(subject.route(qos), qos);
  for (const record of records) {
    await step(record, `QoS ${qos} probe and warm-up`, progress, async () => {
      await attach(record.subject);
      await generator.probe(PROBE_TIMEOUT_MS, () => record.subject.alive());
      await warmUp(generator, options);
    });
  }
  for (const rate of options.rates) {
    for (const record of records) {
      await step(record, `QoS ${qos} ${rate} msg/s for ${options.durationMs / 1000} s`, progress, async () => {
        await attach(record.subject);
        const run = await measured(record.subject, () => generator.paced(rate, options.durationMs, PACED_DRAIN));
        record.rows.push({ subject: record.subject.name, qos, rate, ...run });
      });
    }
  }
  for (const record of records) {
    await step(record, `QoS ${qos} ${options.count} messages at full speed`, progress, async () => {
      await attach(record.subject);
      const run = await measured(record.subject, () => generator.flood(options.count, options.window, FLOOD_DRAIN));
      record.rows.push({ subject: record.subject.name, qos, ...run });
    });
  }
  await generator.detach();
}

/**
 * Measures running subjects at every QoS and load the options ask for, taking turns load by load, so that a
 * change in what else the machine is doing hits all subjects alike rather than one of them.
 */
export async function runInterleaved(
  records: SubjectRecord[],
  generator: LoadGenerator,
  options: BenchOptions,
  progress: Progress,
): Promise<void> {
  for (const qos of options.qos) {
    await runQos(records, qos, generator, options, progress);
  }
}
