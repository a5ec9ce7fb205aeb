import { readFileSync } from "node:fs";

/** Reads a process's resident memory (VmRSS in /proc/<pid>/status) at a fixed interval and keeps the highest. */
export class RssSampler {
  private maxKb = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.maxKb = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling; returns the highest resident memory seen, in megabytes (MiB). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();

    return this.maxKb / 1024;
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
      this.maxKb = Math.max(this.maxKb, kb);
    } catch {
      // The process may have exited between two samples; the run reports what was seen until then.
    }
  }
}
