import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HomeAssistantClient } from "../../src/homeassistant/client.js";
import { silentLogger } from "../../src/logger.js";
import { PACKAGE_ROOT } from "../../src/packageInfo.js";
import { SAD_SENTENCES } from "../support/hubFixture.js";
import { Probe } from "../support/probe.js";

const TOKEN = "e2e-simulated-home-token";
const LIVING_ROOM = { light: "light.living_room_light", speaker: "media_player.living_room_speaker" };
const THERMOSTAT = "climate.living_room_thermostat";

/**
 * A time zone whose local hour is now 14:00-14:59, far from the default flow's quiet hours (22:00 to 07:00), so
 * the hub's music is never held back however long the test takes. `Etc/GMT-N` is UTC+N (the POSIX sign).
 */
function afternoonTimeZone(now = new Date()): string {
  let offset = (14 - now.getUTCHours() + 24) % 24;
  if (offset >= 12) {
    offset -= 24;
  }
  if (offset === 0) {
    return "Etc/GMT";
  }

  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

function localHour(timeZone: string): number {
  return Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone }).format(new Date()));
}

/**
 * What a person does after `npm install && npm start`: the hub on its embedded defaults (broker on 1883,
 * simulated home on 8123, Node-RED with the default flows on 1880), a few sad sentences in the living room, and the
 * living room's scene applied in the (simulated) Home Assistant.
 */
describe("npm start on embedded defaults", () => {
  let hub: ChildProcess;
  let stderr = "";
  let probe: Probe;
  const timeZone = afternoonTimeZone();

  beforeAll(async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "emotion-hub-e2e-"));
    hub = spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist/cli.js"), "start"], {
      cwd,
      env: { ...process.env, HA_TOKEN: TOKEN, EMOTION_HUB_CONFIG: "", TZ: timeZone },
      stdio: ["ignore", "ignore", "pipe"],
    });
    hub.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      hub.stderr?.on("data", () => {
        if (stderr.includes("emotion-hub 0.") && stderr.includes("started")) {
          resolve();
        }
      });
      hub.once("exit", (code) => reject(new Error(`hub exited with ${code}: ${stderr}`)));
    });
    probe = await Probe.connect("mqtt://127.0.0.1:1883", ["emotion-hub/#"]);
  }, 120_000);

  afterAll(async () => {
    await probe?.close();
    if (hub.exitCode === null) {
      hub.kill("SIGKILL");
    }
  });

  it("applies the living room's sadness scene, music included, after a few sad sentences", async () => {
    expect(localHour(timeZone)).toBeGreaterThanOrEqual(7);
    expect(localHour(timeZone)).toBeLessThan(22);
    for (const sentence of SAD_SENTENCES) {
      await probe.publish("emotion-hub/living_room/transcript", sentence);
    }
    const mood = await probe.waitFor("emotion-hub/living_room/mood", (m) => m.json().mood === "sadness");
    expect(mood.retained).toBe(false);
    const outcome = await probe.waitFor("emotion-hub/living_room/scene", () => true, 30_000);
    expect(outcome.json()).toMatchObject({ scene: "sadness: warm and calm", status: "ok" });

    const ha = new HomeAssistantClient({
      url: "ws://127.0.0.1:8123/api/websocket",
      token: TOKEN,
      callTimeoutMs: 5000,
      heartbeatIntervalMs: 0,
      heartbeatTimeoutMs: 5000,
      reconnectMaxDelayMs: 1000,
      logger: silentLogger(),
    });
    ha.start();
    await ha.waitConnected();
    const states = await ha.getStates();
    await ha.stop();
    const state = (entityId: string) => states.find((s) => s.entity_id === entityId);
    // The default flow's sadness scene: warm white at 40 %, "Calm evening" at 25 % volume, 22 °C.
    expect(state(LIVING_ROOM.light)).toMatchObject({ state: "on", attributes: { brightness: 102 } });
    // Like Home Assistant, the simulated light keeps colour temperature in mireds: 2700 K reads back as 2702 K.
    expect(state(LIVING_ROOM.light)?.attributes.color_temp_kelvin).toBeCloseTo(2700, -1);
    expect(state(LIVING_ROOM.speaker)).toMatchObject({
      state: "playing",
      attributes: { media_content_id: "Calm evening", media_content_type: "playlist", volume_level: 0.25 },
    });
    expect(state(THERMOSTAT)?.attributes.temperature).toBe(22);
    expect(stderr).not.toContain(SAD_SENTENCES[0]);
  });

  it("shuts down cleanly on SIGTERM, leaving the status offline", async () => {
    const offline = probe.waitFor("emotion-hub/status", (m) => m.text === "offline");
    hub.kill("SIGTERM");
    const [code] = await once(hub, "exit");

    expect(code).toBe(0);
    expect((await offline).text).toBe("offline");
  });
});
