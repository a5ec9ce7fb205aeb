import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ManagedProcess } from "./managedProcess.js";
import { freePort, waitForPort } from "./ports.js";
import type { ProcessGroup } from "./processGroup.js";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];

function binary(): string {
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`Mosquitto not found (looked in ${CANDIDATES.join(", ")}; apt-get install -y mosquitto)`);
  }

  return found;
}

/** The one broker every subject is measured through: a private Mosquitto on a free loopback port. */
export class Mosquitto {
  private constructor(
    readonly port: number,
    private readonly broker: ManagedProcess,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.broker.pid;
  }

  /** Writes a config into `dir` and starts Mosquitto with it; resolves once it accepts connections. */
  static async start(processes: ProcessGroup, dir: string): Promise<Mosquitto> {
    const port = await freePort();
    const conf = join(dir, "mosquitto.conf");
    // No-delay on the broker's sockets: without it Nagle's algorithm meets delayed ACKs on every QoS 1 hop.
    const lines = [`listener ${port} 127.0.0.1`, "allow_anonymous true", "set_tcp_nodelay true", "persistence false"];
    writeFileSync(conf, `${lines.join("\n")}\n`);
    const broker = processes.start("mosquitto", binary(), ["-c", conf]);
    try {
      await waitForPort(port, 10_000, () => broker.running);
    } catch (error) {
      throw new Error(`failed to start Mosquitto (${(error as Error).message}): ${broker.tail()}`);
    }

    return new Mosquitto(port, broker);
  }

  /** The version line of the installed Mosquitto, such as `mosquitto version 2.0.11`. */
  static version(): string {
    try {
      return execFileSync(binary(), ["-h"], { encoding: "utf8" }).split("\n")[0] ?? "";
    } catch (error) {
      // `mosquitto -h` prints its help, version first, and exits with code 3.
      return String((error as { stdout?: string }).stdout ?? "").split("\n")[0] ?? "";
    }
  }

  stop(): Promise<void> {
    return this.broker.stop();
  }
}
