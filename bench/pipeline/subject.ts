import type { HubCounters } from "./hubMetrics.js";
import type { ProcessGroup } from "./processGroup.js";

export type Qos = 0 | 1;

/** Where the bench publishes transcripts for a subject and where the subject's answers come back. */
export interface Route {
  input: string;
  output: string;
}

/** One thing being measured, running in its own process between the bench's two topics. */
export interface Subject {
  readonly name: SubjectName;
  /** The process whose resident memory is reported. */
  readonly pid: number;
  /** The subject's topics for messages at `qos`. */
  route(qos: Qos): Route;
  /** Why a QoS column does not mean what it says for this subject, if it does not. */
  note(qos: Qos): string | undefined;
  alive(): boolean;
  /** Lines about the run that only the subject can tell (the hub's own metrics), read before it stops. */
  diagnostics?(): Promise<string[]>;
  /** The subject's own running totals (the hub's /metrics), read before and after each run. */
  counters?(): Promise<HubCounters>;
  /** The last lines the subject wrote, to explain a failure. */
  tail(): string;
  stop(): Promise<void>;
}

export const SUBJECT_NAMES = ["relay", "nodered", "hub"] as const;
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** What every subject needs to start. */
export interface SubjectContext {
  brokerUrl: string;
  brokerPort: number;
  processes: ProcessGroup;
  /** A private temporary folder for this subject's files. */
  dir: string;
  /** The project's root folder. */
  root: string;
  /** A model folder for the hub instead of its default. */
  model?: string;
  /** The hub's classifier.threads. */
  modelThreads?: number;
}
