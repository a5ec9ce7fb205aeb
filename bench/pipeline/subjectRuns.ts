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
}

const WARMUP_RATE = 500;
const PROBE_TIMEOUT_MS = 60_000;
const PACED_DRAIN = { stallMs: 3000, maxMs: 30_000 };
const FLOOD_DRAIN = { stallMs: 3000, maxMs: 120_000 };

export type Progress = (line: string) => void;

async function measured(
  subject: Subject,
  run: () => Promise<Measurement>,
): Promise<{ result: RunResult; rssMb: number }> {
  const sampler = new RssSampler(subject.pid);
  let rssMb = 0;
  sampler.start();
  const measurement = await run().finally(() => {
    rssMb = sampler.stop();
  });

  return { result: measurement.result(), rssMb };
}

/** Both kinds of load once, unmeasured, so that JIT compilation and lazy set-up happen before the clock runs. */
async function warmUp(generator: LoadGenerator, options: BenchOptions): Promise<void> {
  await generator.paced(WARMUP_RATE, options.warmupMs, PACED_DRAIN);
  await generator.flood(options.warmupCount, options.window, FLOOD_DRAIN);
}

/** Runs every load at one QoS against a running subject. */
async function runQos(subject: Subject, qos: Qos, generator: LoadGenerator, options: BenchOptions, progress: Progress) {
  const rows: RunRow[] = [];
  await generator.attach(subject.route(qos), qos);
  await generator.probe(PROBE_TIMEOUT_MS, () => subject.alive());
  progress(`${subject.name} QoS ${qos}: warming up`);
  await warmUp(generator, options);
  for (const rate of options.rates) {
    progress(`${subject.name} QoS ${qos}: ${rate} msg/s for ${options.durationMs / 1000} s`);
    const run = await measured(subject, () => generator.paced(rate, options.durationMs, PACED_DRAIN));
    rows.push({ subject: subject.name, qos, rate, ...run });
  }
  progress(`${subject.name} QoS ${qos}: ${options.count} messages at full speed (window ${options.window})`);
  const run = await measured(subject, () => generator.flood(options.count, options.window, FLOOD_DRAIN));
  rows.push({ subject: subject.name, qos, ...run });
  await generator.detach();

  return rows;
}

/** Measures a running subject at every QoS and load the options ask for. */
export async function runSubject(
  subject: Subject,
  generator: LoadGenerator,
  options: BenchOptions,
  progress: Progress,
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const qos of options.qos) {
    rows.push(...(await runQos(subject, qos, generator, options, progress)));
  }

  return rows;
}
