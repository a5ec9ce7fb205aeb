import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { EmbeddedBroker } from "../../src/mqtt/embeddedBroker.js";

/** A running broker for one test file. `restart()` stops and starts it on the same port. */
export interface TestBroker {
  readonly kind: "aedes" | "mosquitto";
  readonly url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The broker kinds integration tests run against: aedes always, Mosquitto where installed and always in CI. */
export function brokerKinds(): ("aedes" | "mosquitto")[] {
  const present = mosquittoPath() !== undefined;
  if (process.env.CI && !present) {
    throw new Error("Mosquitto is required in CI but was not found on PATH (apt-get install -y mosquitto)");
  }

  return present ? ["aedes", "mosquitto"] : ["aedes"];
}

/**
 * One broker for the enclosing `describe`: started before its first test, stopped after its last. Read `url` or call
 * `restart()` only inside tests and hooks, once it has started.
 */
export function suiteBroker(kind: "aedes" | "mosquitto"): TestBroker {
  let broker: TestBroker | undefined;
  beforeAll(async () => {
    broker = await startBroker(kind);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  const started = (): TestBroker => {
    if (broker === undefined) {
      throw new Error(`the suite's ${kind} broker has not started yet (use it inside a test or a hook)`);
    }

    return broker;
  };

  return {
    kind,
    get url() {
      return started().url;
    },
    restart: () => started().restart(),
    stop: () => started().stop(),
  };
}

export async function startBroker(kind: "aedes" | "mosquitto"): Promise<TestBroker> {
  return kind === "aedes" ? startAedes() : startMosquitto();
}

async function startAedes(): Promise<TestBroker> {
  let broker = await EmbeddedBroker.start({ host: "127.0.0.1", port: 0, logger: silentLogger() });
  const port = broker.port;

  return {
    kind: "aedes",
    url: broker.url,
    async restart() {
      await broker.close();
      broker = await EmbeddedBroker.start({ host: "127.0.0.1", port, logger: silentLogger() });
    },
    stop: () => broker.close(),
  };
}

function mosquittoPath(): string | undefined {
  for (const candidate of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]) {
    try {
      execFileSync(candidate, ["-h"], { stdio: "ignore" });
    } catch (error) {
      // `mosquitto -h` exits 3 after printing help; only a missing file is fatal here.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        continue;
      }
    }
    return candidate;
  }

  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));

  return port;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`mosquitto exited with code ${child.exitCode}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`mosquitto did not listen on port ${port}`);
}

async function startMosquitto(): Promise<TestBroker> {
  const binary = mosquittoPath();
  if (binary === undefined) {
    throw new Error("mosquitto not found");
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "emotion-hub-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n`);
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(binary, ["-c", conf], { stdio: "ignore" });
    await waitForPort(port, child);
  };
  const halt = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  };
  await launch();

  return {
    kind: "mosquitto",
    url: `mqtt://127.0.0.1:${port}`,
    restart: async () => {
      await halt();
      await launch();
    },

    stop: halt,
  };
}
