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
  stop(): Promise<void>;
}

let counter = 0;

/**
 * A whole hub for one test: on the given broker, against its own simulated Home Assistant (so the test can see
 * and disturb it), with unique topics, free ports and a fresh data folder.
 */
export async function startHub(brokerUrl: string, overrides: Record<string, unknown> = {}): Promise<HubFixture> {
  const base = `eh-test-${process.pid}-${counter++}`;
  const rooms = { living_room: { area: "living_room", name: "Living room" }, kitchen: { area: "kitchen" } };
  const home = new SimulatedHome({ rooms, logger: silentLogger() });
  const haUrl = await home.start();
  const config: Config = configSchema.parse({
    mqtt: { url: brokerUrl, baseTopic: base },
    homeassistant: { url: haUrl, reconnectMaxDelay: 0.2, callTimeout: 5 },
    rooms: {
      living_room: { area: "living_room", name: "Living room", siteIds: ["satellite-living"] },
      kitchen: { area: "kitchen", siteIds: ["satellite-kitchen"] },
    },
    nodered: { enabled: false, userDir: mkdtempSync(join(tmpdir(), "emotion-hub-data-")) },
    http: { port: 0 },
    discovery: { prefix: `${base}-ha`, hubId: base.replaceAll("-", "_") },
    mood: { minDwell: 0 },
    ...overrides,
  });
  const probe = await Probe.connect(brokerUrl, [`${base}/#`]);
  const hub = new Hub({
    config,
    secrets: { homeAssistantToken: home.token },
    logger: process.env.HUB_DEBUG ? createLogger("debug") : silentLogger(),
  });
  const endpoints = await hub.start();

  return {
    hub,
    home,
    probe,
    base,
    httpUrl: endpoints.http,
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
