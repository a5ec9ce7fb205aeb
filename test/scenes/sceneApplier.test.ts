import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HomeAssistantClient } from "../../src/homeassistant/client.js";
import { SimulatedHome } from "../../src/homeassistant/simulatedHome.js";
import { silentLogger } from "../../src/logger.js";
import { sceneSchema } from "../../src/scenes/scene.js";
import { SceneApplier } from "../../src/scenes/sceneApplier.js";

describe("SceneApplier through the client and the simulated home", () => {
  let home: SimulatedHome;
  let client: HomeAssistantClient;
  let applier: SceneApplier;

  beforeEach(async () => {
    home = new SimulatedHome({
      rooms: { living_room: { area: "living_room" }, den: { area: "den" } },
      logger: silentLogger(),
    });
    await home.start();
    client = new HomeAssistantClient({
      url: home.url,
      token: home.token,
      heartbeatIntervalMs: 0,
      logger: silentLogger(),
    });
    client.start();
    await client.waitConnected(5000);
    applier = new SceneApplier({ client, logger: silentLogger() });
  });

  afterEach(async () => {
    await client.stop();
    await home.stop();
  });

  it("makes the right service calls with the right data and area", async () => {
    const scene = sceneSchema.parse({
      name: "Comfort",
      lighting: { brightness_pct: 30, color_temp_kelvin: 2700, transition: 2 },
      music: { media_content_id: "radio/calm", media_content_type: "music", volume_level: 0.2 },
      climate: { temperature: 21.5 },
      transaction: "t-42",
    });

    const outcome = await applier.apply("living_room", "living_room", scene);

    expect(outcome).toEqual({
      status: "ok",
      calls: 4,
      contexts: home.calls.map((call) => call.context.id),
      transaction: "t-42",
    });
    expect(
      home.calls.map(({ domain, service, service_data, target }) => ({ domain, service, service_data, target })),
    ).toEqual([
      {
        domain: "light",
        service: "turn_on",
        service_data: { brightness_pct: 30, color_temp_kelvin: 2700, transition: 2 },
        target: { area_id: "living_room" },
      },
      {
        domain: "media_player",
        service: "volume_set",
        service_data: { volume_level: 0.2 },
        target: { area_id: "living_room" },
      },
      {
        domain: "media_player",
        service: "play_media",
        service_data: { media_content_id: "radio/calm", media_content_type: "music" },
        target: { area_id: "living_room" },
      },
      {
        domain: "climate",
        service: "set_temperature",
        service_data: { temperature: 21.5 },
        target: { area_id: "living_room" },
      },
    ]);
    expect(home.states("light.living_room_light")).toMatchObject({ state: "on", attributes: { brightness: 77 } });
    expect(home.states("media_player.living_room_speaker")?.state).toBe("playing");
    expect(home.states("climate.living_room_thermostat")?.attributes.temperature).toBe(21.5);
    expect(home.states("light.den_light")?.state).toBe("off");
  });

  it("applies the other parts when one fails and reports Home Assistant's code and message", async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const logged = new SceneApplier({ client, logger });
    home.manualChange("climate.den_thermostat", { attributes: { min_temp: 16 } });
    const scene = sceneSchema.parse({ climate: { temperature: 10 }, lighting: { brightness_pct: 60 } });

    const outcome = await logged.apply("den", "den", scene);

    expect(outcome.status).toBe("error");
    expect(outcome.error?.code).toBe("service_validation_error");
    expect(outcome.error?.message).toBe("Provided temperature 10 is not valid. Accepted range is 16 to 35.");
    expect(outcome.calls).toBe(2);
    expect(outcome.contexts).toHaveLength(1);
    expect(home.states("light.den_light")?.state).toBe("on");
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [
        40,
        "failed to call climate.set_temperature for area 'den' (Provided temperature 10 is not valid. Accepted range is 16 to 35)",
      ],
    ]);
  });

  it("reports not_connected at once and stops when Home Assistant is unreachable", async () => {
    await client.stop();
    const scene = sceneSchema.parse({ lighting: { on: false }, music: { stop: true } });

    const outcome = await applier.apply("den", "den", scene);

    expect(outcome).toMatchObject({ status: "error", error: { code: "not_connected" }, calls: 1, contexts: [] });
    expect(home.calls).toEqual([]);
  });

  it("drains: waits for a scene under way to finish", async () => {
    const held = home.holdNextCall();
    const scene = sceneSchema.parse({ lighting: { brightness_pct: 50 }, music: { volume_level: 0.5 } });
    let drained = false;

    const applying = applier.apply("den", "den", scene);
    await held.received;
    const draining = applier.drain().then(() => {
      drained = true;
    });
    // A round trip to the home lets a wrongly finished drain show itself before the held call is released.
    await client.command("ping");
    const drainedWhileHeld = drained;
    held.release();
    await draining;

    expect(drainedWhileHeld).toBe(false);
    expect(await applying).toMatchObject({ status: "ok", calls: 2 });
    expect(home.calls).toHaveLength(2);
  });
});
