import { describe, expect, it } from "vitest";
import { roomDevice } from "../../src/discovery/discoveryPayloads.js";
import { Topics } from "../../src/mqtt/topics.js";
import { EntityRooms } from "../../src/rooms/entityRooms.js";

const rooms = { living_room: { area: "lounge", siteIds: [] }, kitchen: { area: "kitchen", siteIds: [] } };

describe("EntityRooms", () => {
  it("maps lights, speakers and thermostats to rooms by their own area or their device's", () => {
    const map = new EntityRooms(rooms);
    map.update(
      [
        { entity_id: "light.sofa", area_id: "lounge" },
        { entity_id: "media_player.radio", device_id: "d1" },
        { entity_id: "sensor.lounge_temperature", area_id: "lounge" },
        { entity_id: "light.garden", area_id: "garden" },
      ],
      [{ id: "d1", area_id: "kitchen" }],
    );

    expect(
      ["light.sofa", "media_player.radio", "sensor.lounge_temperature", "light.garden"].map((id) => map.roomOf(id)),
    ).toEqual(["living_room", "kitchen", undefined, undefined]);
  });

  it("finds a room's mood sensor by the unique id discovery gave it, renamed or not", () => {
    const map = new EntityRooms(rooms, "hub_1");
    const ctx = { topics: new Topics("emotion-hub"), prefix: "homeassistant", hubId: "hub_1", version: "1" };
    const announced = roomDevice(ctx, "living_room", {}).payload.components.mood?.unique_id;
    map.update(
      [
        { entity_id: "sensor.salon_feeling", unique_id: announced, platform: "mqtt" },
        { entity_id: "sensor.kitchen_lookalike", unique_id: "hub_1_kitchen_mood", platform: "template" },
      ],
      [],
    );

    expect(map.moodEntityOf("living_room")).toBe("sensor.salon_feeling");
    expect(map.moodEntityOf("kitchen")).toBeUndefined();
  });

  it("forgets a mood sensor that left the registry, and looks none up without a hub id", () => {
    const map = new EntityRooms(rooms, "hub_1");
    map.update([{ entity_id: "sensor.x", unique_id: "hub_1_kitchen_mood", platform: "mqtt" }], []);
    expect(map.moodEntityOf("kitchen")).toBe("sensor.x");
    map.update([], []);
    expect(map.moodEntityOf("kitchen")).toBeUndefined();

    const anonymous = new EntityRooms(rooms);
    anonymous.update([{ entity_id: "sensor.x", unique_id: "hub_1_kitchen_mood", platform: "mqtt" }], []);
    expect(anonymous.moodEntityOf("kitchen")).toBeUndefined();
  });
});
