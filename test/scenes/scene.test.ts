import { describe, expect, it } from "vitest";
import { parseScene, type Scene, sceneSchema, serviceCallsFor } from "../../src/scenes/scene.js";

function scene(value: unknown): Scene {
  return sceneSchema.parse(value);
}

describe("sceneSchema", () => {
  it("fills in lighting.on and keeps what it is given", () => {
    expect(scene({ lighting: { brightness_pct: 30 } })).toEqual({ lighting: { on: true, brightness_pct: 30 } });
  });

  it.each([
    [{}, "needs at least one of lighting, music, climate or haScene"],
    [{ lighting: { brightness_pct: 101 } }, "lighting.brightness_pct"],
    [{ lighting: { color_temp_kelvin: 3000, rgb_color: [1, 2, 3] } }, "not both"],
    [{ lighting: { on: false, brightness_pct: 10 } }, "turning off takes only transition"],
    [{ lighting: { rgb_color: [0, 0, 256] } }, "lighting.rgb_color.2"],
    [{ music: { media_content_id: "x" } }, "music.media_content_type"],
    [{ music: { stop: true, media_content_id: "x", media_content_type: "music" } }, "music.stop"],
    [{ music: {} }, "needs media_content_id and media_content_type, volume_level, or stop"],
    [{ climate: { temperature: 101 } }, "climate.temperature"],
    [{ climate: { temperature: 3.5 } }, "climate.temperature"],
    [{ climate: { hvac_mode: "sauna" } }, "climate.hvac_mode"],
    [{ haScene: "light.sofa" }, "haScene"],
    [{ lighting: {}, colour: "red" }, "colour"],
    [{ lighting: {}, entities: { light: ["media_player.tv"] } }, "entities.light.0"],
  ])("refuses %j, naming %s", (value, expected) => {
    const parsed = parseScene(JSON.stringify(value));

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain(expected);
  });

  it.each([
    [21.5, "°C"],
    [72, "°F"],
  ])("takes a temperature of %d, as in a home that uses %s", (temperature) => {
    expect(scene({ climate: { temperature } })).toEqual({ climate: { temperature } });
  });
});

describe("parseScene", () => {
  it("accepts a scene as text or bytes", () => {
    const text = '{"name":"Calm","lighting":{"brightness_pct":30,"color_temp_kelvin":2700},"transaction":"t-1"}';

    expect(parseScene(text)).toEqual(parseScene(Buffer.from(text)));
    expect(parseScene(text)).toMatchObject({ ok: true, scene: { name: "Calm", transaction: "t-1" } });
  });

  it.each([
    ["", "scene is not valid JSON"],
    ["{nope", "scene is not valid JSON"],
    [Buffer.from([0x7b, 0xff, 0x7d]), "scene is not valid UTF-8"],
    ["[]", "scene: "],
    ["x".repeat(20_000), "larger than"],
  ])("refuses %j with a clear message", (payload, message) => {
    const parsed = parseScene(payload);

    expect(parsed.ok ? "" : parsed.error).toContain(message);
  });

  it("lists every problem with its path", () => {
    const parsed = parseScene('{"lighting":{"brightness_pct":-1},"climate":{"temperature":"warm"}}');

    expect(parsed.ok ? [] : parsed.error.split("; ").map((problem) => problem.split(":")[0])).toEqual([
      "lighting.brightness_pct",
      "climate.temperature",
    ]);
  });
});

describe("serviceCallsFor", () => {
  it("turns every part into its service call, targeted at the area", () => {
    const calls = serviceCallsFor(
      scene({
        haScene: "scene.evening",
        lighting: { brightness_pct: 35, color_temp_kelvin: 2700, transition: 4 },
        music: { media_content_id: "radio/calm", media_content_type: "music", volume_level: 0.25 },
        climate: { temperature: 21.5, hvac_mode: "heat" },
      }),
      "living_room",
    );
    const area = { area_id: "living_room" };

    expect(calls).toEqual([
      { domain: "scene", service: "turn_on", service_data: {}, target: { entity_id: "scene.evening" } },
      {
        domain: "light",
        service: "turn_on",
        service_data: { brightness_pct: 35, color_temp_kelvin: 2700, transition: 4 },
        target: area,
      },
      { domain: "media_player", service: "volume_set", service_data: { volume_level: 0.25 }, target: area },
      {
        domain: "media_player",
        service: "play_media",
        service_data: { media_content_id: "radio/calm", media_content_type: "music" },
        target: area,
      },
      {
        domain: "climate",
        service: "set_temperature",
        service_data: { temperature: 21.5, hvac_mode: "heat" },
        target: area,
      },
    ]);
  });

  it("turns lights off, stops music and sets only the HVAC mode", () => {
    const calls = serviceCallsFor(
      scene({ lighting: { on: false, transition: 2 }, music: { stop: true }, climate: { hvac_mode: "off" } }),
      "den",
    );

    expect(calls.map((call) => [`${call.domain}.${call.service}`, call.service_data])).toEqual([
      ["light.turn_off", { transition: 2 }],
      ["media_player.media_stop", {}],
      ["climate.set_hvac_mode", { hvac_mode: "off" }],
    ]);
  });

  it("targets the entities a scene names instead of the area, domain by domain", () => {
    const calls = serviceCallsFor(
      scene({
        lighting: { rgb_color: [255, 120, 0] },
        music: { volume_level: 0.1 },
        entities: { light: ["light.lamp"] },
      }),
      "den",
    );

    expect(calls.map((call) => call.target)).toEqual([{ entity_id: ["light.lamp"] }, { area_id: "den" }]);
  });
});
