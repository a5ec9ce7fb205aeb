import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

const TAIL_LINES = 40;

/**
 * A child process the bench started: its output is read continuously (a full pipe would stall the child) and the
 * last lines are kept to explain a failure.
 */
export class ManagedProcess {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions = {},
  ) {
    this.child = spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve(code ?? (signal ? null : 0)));
      this.child.once("error", (error) => {
        this.keep(`spawn failed (${error.message})`);
        resolve(null);
      });
    });
    this.child.stdout?.on("data", (chunk: Buffer) => this.keep(chunk.toString("utf8")));
    this.child.stderr?.on("data", (chunk: Buffer) => this.keep(chunk.toString("utf8")));
  }

  get pid(): number {
    if (this.child.pid === undefined) {
      throw new Error(`${this.name} has no process id (${this.tail()})`);
    }

    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** The last lines the process wrote, for error messages. */
  tail(lines = 15): string {
    return this.lines.slice(-lines).join("\n");
  }

  /** Asks the process to stop (SIGTERM), then forces it (SIGKILL) after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) {
      return;
    }

    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills at once; for the last moment of the bench, when nothing may wait any more. */
  killNow(): void {
    if (this.running) {
      this.child.kill("SIGKILL");
    }
  }

  private keep(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() !== "") {
        this.lines.push(line);
      }
    }
    this.lines.splice(0, Math.max(0, this.lines.length - TAIL_LINES));
  }
}
