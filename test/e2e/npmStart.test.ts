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

/**
 * What a person does after `npm install && npm start`: the hub on its embedded defaults (broker on 1883,
 * simulated home on 8123, Node-RED with the default flows on 1880), a few sad sentences in the living room, and the
 * living room's scene applied in the (simulated) Home Assistant.
 */
describe("npm start on embedded defaults", () => {
  let hub: ChildProcess;
  let stderr = "";
  let probe: Probe;

  beforeAll(async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "emotion-hub-e2e-"));
    hub = spawn(process.execPath, [path.join(PACKAGE_ROOT, "dist/cli.js"), "start"], {
      cwd,
      env: { ...process.env, HA_TOKEN: TOKEN, EMOTION_HUB_CONFIG: "" },
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

  it("applies the living room's scene after a few sad sentences", async () => {
    for (const sentence of SAD_SENTENCES) {
      await probe.publish("emotion-hub/living_room/transcript", sentence);
    }
    const mood = await probe.waitFor("emotion-hub/living_room/mood", (m) => m.json().mood === "sadness");
    expect(mood.retained).toBe(false);
    const outcome = await probe.waitFor("emotion-hub/living_room/scene", (m) => m.json().status === "ok", 30_000);
    expect(outcome.json().scene).toBeTruthy();

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
    const light = (await ha.getStates()).find((s) => s.entity_id === "light.living_room_light");
    await ha.stop();
    expect(light?.state).toBe("on");
    expect(light?.attributes.color_temp_kelvin).toBeLessThanOrEqual(3000);
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
