import { percentile, sortedSamples } from "./stats.js";

const SENT = 1;
const RECEIVED = 2;

/** What one run of one subject at one load showed. Times in milliseconds, memory in MiB. */
export interface RunResult {
  sent: number;
  received: number;
  lost: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Messages received per second, from the first send to the last receipt. */
  throughput: number;
  /** How late the scheduler sent its messages (p99), for the paced runs. */
  sendLagP99: number;
  /** Publishes the bench's own client refused or failed. */
  publishErrors: number;
  /** Output messages that did not belong to the run (late, duplicate or without a known id). */
  strays: number;
}

/**
 * The record of one run: when each message went out, whether and when it came back. Messages carry the id
 * `<tag>-<sequence>`, so that a late answer from an earlier run is never counted in this one.
 */
export class Measurement {
  sent = 0;
  received = 0;
  strays = 0;
  publishErrors = 0;
  firstSendAt = Number.NaN;
  lastReceiveAt = Number.NaN;
  private readonly sentAt: Float64Array;
  private readonly state: Uint8Array;
  private readonly latencies: Float64Array;
  private readonly lags: Float64Array;
  private lagCount = 0;

  constructor(
    readonly tag: string,
    readonly capacity: number,
  ) {
    this.sentAt = new Float64Array(capacity);
    this.state = new Uint8Array(capacity);
    this.latencies = new Float64Array(capacity);
    this.lags = new Float64Array(capacity);
  }

  id(sequence: number): string {
    return `${this.tag}-${sequence}`;
  }

  markSent(sequence: number, now: number, lag?: number): void {
    this.sentAt[sequence] = now;
    this.state[sequence] = SENT;
    this.sent++;
    if (Number.isNaN(this.firstSendAt)) {
      this.firstSendAt = now;
    }
    if (lag !== undefined) {
      this.lags[this.lagCount++] = lag;
    }
  }

  /** Counts an answer; returns whether it was the first for a message of this run. */
  markReceived(id: string, now: number): boolean {
    const sequence = this.sequenceOf(id);
    if (sequence === undefined || this.state[sequence] !== SENT) {
      this.strays++;
      return false;
    }

    this.state[sequence] = RECEIVED;
    this.latencies[this.received++] = now - (this.sentAt[sequence] ?? now);
    this.lastReceiveAt = now;

    return true;
  }

  result(): RunResult {
    const sorted = sortedSamples(this.latencies, this.received);
    const seconds = (this.lastReceiveAt - this.firstSendAt) / 1000;

    return {
      sent: this.sent,
      received: this.received,
      lost: this.sent - this.received,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: percentile(sorted, 1),
      throughput: this.received > 0 && seconds > 0 ? this.received / seconds : 0,
      sendLagP99: percentile(sortedSamples(this.lags, this.lagCount), 0.99),
      publishErrors: this.publishErrors,
      strays: this.strays,
    };
  }

  private sequenceOf(id: string): number | undefined {
    const dash = id.lastIndexOf("-");
    if (dash < 0 || id.slice(0, dash) !== this.tag) {
      return undefined;
    }

    const sequence = Number(id.slice(dash + 1));

    return Number.isInteger(sequence) && sequence >= 0 && sequence < this.capacity ? sequence : undefined;
  }
}
