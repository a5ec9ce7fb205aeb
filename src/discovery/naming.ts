/** The entity ids the hub suggests for a room's entities (Home Assistant keeps them unless a person renames one). */
export interface RoomEntityIds {
  mood: string;
  automation: string;
  override: string;
  hold: string;
  paused: string;
  scene: string;
  reset: string;
}

/** The entity ids the hub suggests for its own device's entities. */
export interface HubEntityIds {
  homeassistant: string;
  model: string;
  transcripts: string;
  enabled: string;
  version: string;
}

/** A room's friendly name: the configured one, or the id with underscores as spaces (`living_room` → `Living room`). */
export function roomName(roomId: string, room: { name?: string } = {}): string {
  if (room.name !== undefined && room.name.trim() !== "") {
    return room.name;
  }
  const words = roomId.replace(/[_-]+/g, " ").trim();

  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The object id part of an entity id: lower case letters, digits and `_` only. */
export function slug(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

export function roomEntityIds(roomId: string): RoomEntityIds {
  const base = `${slug(roomId)}_mood`;

  return {
    mood: `sensor.${base}`,
    automation: `switch.${base}_automation`,
    override: `select.${base}_override`,
    hold: `number.${base}_hold_time`,
    paused: `binary_sensor.${base}_paused`,
    scene: `sensor.${base}_scene`,
    reset: `button.${base}_reset`,
  };
}

export function hubEntityIds(hubId: string): HubEntityIds {
  const base = slug(hubId);

  return {
    homeassistant: `binary_sensor.${base}_home_assistant`,
    model: `sensor.${base}_model`,
    transcripts: `sensor.${base}_transcripts`,
    enabled: `switch.${base}_enabled`,
    version: `sensor.${base}_version`,
  };
}

/** The unique id of one of the hub's entities (`key` is `model`, `living_room_mood`, ...). */
export function uniqueId(hubId: string, key: string): string {
  return `${hubId}_${key}`;
}

/** The unique id of a room's mood sensor, by which Home Assistant's entity registry knows it. */
export function moodUniqueId(hubId: string, roomId: string): string {
  return uniqueId(hubId, `${roomId}_mood`);
}

/** The discovery object id of the hub's device, which also prefixes every unique id. */
export function hubObjectId(hubId: string): string {
  return hubId;
}

/** The discovery object id of a room's device. */
export function roomObjectId(hubId: string, roomId: string): string {
  return `${hubId}_${roomId}`;
}

/** Where a device-based discovery payload lives: `<prefix>/device/<object id>/config`. */
export function deviceConfigTopic(prefix: string, objectId: string): string {
  return `${prefix}/device/${objectId}/config`;
}
