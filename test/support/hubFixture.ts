import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, configSchema } from "../../src/config/schema.js";
import { SimulatedHome } from "../../src/homeassistant/simulatedHome.js";
import { Hub } from "../../src/hub.js";
import { createLogger, silentLogger } from "../../src/logger.js";
import { Probe } from "./probe.js";

export interface HubFixture {
  hub: Hub;
  home: SimulatedHome;
  probe: Probe;
  base: string;
  httpUrl: string;
  /** The Node-RED editor and admin API, when the hub runs Node-RED. */
  noderedUrl: string | undefined;
  /** The hub's data folder (Node-RED's flows and the hub's settings). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface HubFixtureOptions {
  /** Runs the embedded Node-RED on a free loopback port, seeded from flows/ like `npm start`. Default off. */
  nodered?: boolean;
  /** The data folder, for a test that restarts a hub on the same one; default a fresh temporary folder. */
  dataDir?: string;
}

/** Encrypts the credentials of flows deployed in tests, so Node-RED neither warns nor writes a key file. */
const TEST_CREDENTIAL_SECRET = "hub-fixture-credential-secret";

let counter = 0;

/**
 * A whole hub for one test: on the given broker, against its own simulated Home Assistant (so the test can see
 * and disturb it), with unique topics, free ports and a fresh data folder.
 */
export async function startHub(
  brokerUrl: string,
  overrides: Record<string, unknown> = {},
  options: HubFixtureOptions = {},
): Promise<HubFixture> {
  const base = `eh-test-${process.pid}-${counter++}`;
  const rooms = { living_room: { area: "living_room", name: "Living room" }, kitchen: { area: "kitchen" } };
  const home = new SimulatedHome({ rooms, logger: silentLogger() });
  const haUrl = await home.start();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "emotion-hub-data-"));
  const nodered = options.nodered === true ? { enabled: true, host: "127.0.0.1", port: 0 } : { enabled: false };
  const config: Config = configSchema.parse({
    mqtt: { url: brokerUrl, baseTopic: base },
    homeassistant: { url: haUrl, reconnectMaxDelay: 0.2, callTimeout: 5 },
    rooms: {
      living_room: { area: "living_room", name: "Living room", siteIds: ["satellite-living"] },
      kitchen: { area: "kitchen", siteIds: ["satellite-kitchen"] },
    },
    nodered: { ...nodered, userDir: dataDir },
    http: { port: 0 },
    discovery: { prefix: `${base}-ha`, hubId: base.replaceAll("-", "_") },
    mood: { minDwell: 0 },
    ...overrides,
  });
  const probe = await Probe.connect(brokerUrl, [`${base}/#`]);
  const hub = new Hub({
    config,
    secrets: { homeAssistantToken: home.token, credentialSecret: TEST_CREDENTIAL_SECRET },
    logger: process.env.HUB_DEBUG ? createLogger("debug") : silentLogger(),
  });
  const endpoints = await hub.start();

  return {
    hub,
    home,
    probe,
    base,
    httpUrl: endpoints.http,
    noderedUrl: endpoints.nodered,
    dataDir,
    async stop() {
      await hub.stop();
      await probe.close();
      await home.stop();
    },
  };
}

/** Sad things a person might say, for tests that need a sad room. */
export const SAD_SENTENCES = [
  "i feel so sad and lonely today",
  "i miss my grandmother so much it hurts",
  "this is the worst day of my life and i want to cry",
  "i am heartbroken and nothing feels right",
];
