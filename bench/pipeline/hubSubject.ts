import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { silentLogger } from "../../src/logger.js";
import { MqttClient } from "../../src/mqtt/client.js";
import { type HubCounters, parseHubCounters, summarizeHubCounters } from "./hubMetrics.js";
import type { ManagedProcess } from "./managedProcess.js";
import { freePort } from "./ports.js";
import type { Qos, Subject, SubjectContext } from "./subject.js";

const ROOM = "bench";
const READY_TIMEOUT_MS = 120_000;

/** The hub as a user would run it against their own broker, minus Node-RED, discovery and a real home. */
function hubConfig(context: SubjectContext, baseTopic: string, httpPort: number): object {
  const config: Record<string, unknown> = {
    mqtt: { url: context.brokerUrl, baseTopic },
    homeassistant: { simulated: { host: "127.0.0.1", port: 0 } },
    rooms: { [ROOM]: { area: ROOM } },
    transcripts: { hermes: false },
    nodered: { enabled: false },
    http: { host: "127.0.0.1", port: httpPort },
    discovery: { enabled: false },
    logLevel: "warn",
  };
  config.classifier = {
    ...(context.model === undefined ? {} : { path: context.model }),
    threads: context.modelThreads ?? 1,
  };

  return config;
}

/** Resolves when the hub publishes its retained `online` status; rejects if it exits or takes too long. */
async function waitOnline(brokerUrl: string, statusTopic: string, hub: ManagedProcess): Promise<void> {
  const client = new MqttClient({ url: brokerUrl, clientId: `bench-hub-watch-${process.pid}`, logger: silentLogger() });
  try {
    await client.waitConnected();
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        reject(new Error(message));
      };
      const timer = setTimeout(
        () => fail(`no 'online' on '${statusTopic}' within ${READY_TIMEOUT_MS} ms`),
        READY_TIMEOUT_MS,
      );
      void hub.exited.then((code) => fail(`the hub exited with code ${code} before it was online`));
      const online = (_topic: string, payload: Buffer) => {
        if (payload.toString("utf8") === "online") {
          clearTimeout(timer);
          resolve();
        }
      };
      client.subscribe(statusTopic, online).catch((error: Error) => fail(error.message));
    });
  } finally {
    await client.close();
  }
}

async function readCounters(httpPort: number): Promise<HubCounters> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!response.ok) {
    throw new Error(`GET /metrics answered ${response.status}`);
  }

  return parseHubCounters(await response.text());
}

/**
 * Starts `node dist/cli.js start` (build first) with a generated config pointing at the bench's broker; transcripts
 * go to `<base>/bench/transcript` and emotion events, carrying the transcript's id, come back on `<base>/bench/emotion`.
 */
export async function startHub(context: SubjectContext): Promise<Subject> {
  const baseTopic = `bench-hub-${randomBytes(4).toString("hex")}`;
  const configFile = join(context.dir, "emotion-hub.yaml");
  const httpPort = await freePort();
  writeFileSync(configFile, stringify(hubConfig(context, baseTopic, httpPort)));
  const cli = join(context.root, "dist", "cli.js");
  const hub = context.processes.start("hub", process.execPath, [cli, "start", "--config", configFile], {
    cwd: context.root,
  });
  try {
    await waitOnline(context.brokerUrl, `${baseTopic}/status`, hub);
  } catch (error) {
    await hub.stop();
    throw new Error(`${(error as Error).message}\n${hub.tail()}`);
  }

  return {
    name: "hub",
    pid: hub.pid,
    route: () => ({ input: `${baseTopic}/${ROOM}/transcript`, output: `${baseTopic}/${ROOM}/emotion` }),
    note: (qos: Qos) =>
      qos === 1
        ? "the hub subscribes to transcripts and publishes emotion events at QoS 0, so only the bench's publish is QoS 1"
        : undefined,
    counters: () => readCounters(httpPort),
    diagnostics: async () => [summarizeHubCounters(await readCounters(httpPort))],
    alive: () => hub.running,
    tail: () => hub.tail(),
    stop: () => hub.stop(),
  };
}
