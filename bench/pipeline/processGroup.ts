import type { SpawnOptions } from "node:child_process";
import { ManagedProcess } from "./managedProcess.js";

/** Every process the bench started, so that all of them stop whatever way the bench ends. */
export class ProcessGroup {
  private readonly processes = new Set<ManagedProcess>();

  start(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
    const started = new ManagedProcess(name, command, args, options);
    this.processes.add(started);
    void started.exited.then(() => this.processes.delete(started));

    return started;
  }

  /** Stops every process still running, the latest first. */
  async stopAll(): Promise<void> {
    for (const started of [...this.processes].reverse()) {
      await started.stop();
    }
  }

  /** Kills every process still running, synchronously (for `process.on("exit")`). */
  killNow(): void {
    for (const started of this.processes) {
      started.killNow();
    }
  }
}
