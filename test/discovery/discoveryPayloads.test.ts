import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { hubDevice, removalFor, roomDevice } from "../../src/discovery/discoveryPayloads.js";
import { hubEntityIds, roomEntityIds, roomName } from "../../src/discovery/naming.js";
import { Topics } from "../../src/mqtt/topics.js";

const ctx = { topics: new Topics("emotion-hub"), prefix: "homeassistant", hubId: "emotion_hub", version: "0.1.0" };

describe("naming", () => {
  it("names a room from its id unless a name is configured", () => {
    expect(roomName("living_room")).toBe("Living room");
    expect(roomName("guest-room")).toBe("Guest room");
    expect(roomName("den", { name: "The den" })).toBe("The den");
    expect(roomName("den", { name: "  " })).toBe("Den");
  });

  it("suggests lower-case entity ids, whatever the room id looks like", () => {
    expect(roomEntityIds("Guest-Room")).toMatchObject({
      mood: "sensor.guest_room_mood",
      hold: "number.guest_room_mood_hold_time",
      paused: "binary_sensor.guest_room_mood_paused",
    });
    expect(hubEntityIds("emotion_hub").enabled).toBe("switch.emotion_hub_enabled");
  });
});

describe("discovery payloads", () => {
  it("puts each device on its own device-based discovery topic", () => {
    expect(hubDevice(ctx).topic).toBe("homeassistant/device/emotion_hub/config");
    expect(roomDevice(ctx, "living_room", {}).topic).toBe("homeassistant/device/emotion_hub_living_room/config");
  });

  it("fills in origin.support_url only when a support address is given", () => {
    expect(hubDevice(ctx).payload.origin).toEqual({ name: "emotion-hub", sw_version: "0.1.0" });
    expect(hubDevice({ ...ctx, supportUrl: "https://example.org/help" }).payload.origin.support_url).toBe(
      "https://example.org/help",
    );
  });

  it("bounds the hold time number exactly as the config bounds override.holdTime", () => {
    const hold = roomDevice(ctx, "kitchen", {}).payload.components.hold;
    const min = Number(hold?.min);
    const max = Number(hold?.max);
    const step = Number(hold?.step);
    const accepts = (holdTime: number) => configSchema.safeParse({ override: { holdTime } }).success;

    expect([min, max, min + step].map(accepts)).toEqual([true, true, true]);
    expect([min - step, max + step, min + step / 2].map(accepts)).toEqual([false, false, false]);
  });

  it("refuses an id Home Assistant would reject on a discovery topic", () => {
    expect(() => roomDevice(ctx, "living room", {})).toThrow(/invalid discovery object id 'emotion_hub_living room'/);
  });

  it("lists the device config and the retained states of a departed room, and the hub's config alone", () => {
    expect(removalFor(ctx, "kitchen")).toEqual([
      "homeassistant/device/emotion_hub_kitchen/config",
      "emotion-hub/kitchen/mood",
      "emotion-hub/kitchen/automation",
      "emotion-hub/kitchen/override",
      "emotion-hub/kitchen/hold",
      "emotion-hub/kitchen/paused",
      "emotion-hub/kitchen/scene",
      "emotion-hub/kitchen/scene/active",
    ]);
    expect(removalFor(ctx)).toEqual(["homeassistant/device/emotion_hub/config"]);
  });
});
