import { HOLD_TIME_SECONDS } from "../config/schema.js";
import { EMOTION_LABELS } from "../emotion/labels.js";
import type { Topics } from "../mqtt/topics.js";
import {
  deviceConfigTopic,
  hubEntityIds,
  hubObjectId,
  roomEntityIds,
  roomName,
  roomObjectId,
  uniqueId,
} from "./naming.js";

/** What every discovery payload is built from. */
export interface DiscoveryContext {
  topics: Topics;
  /** Home Assistant's discovery prefix, usually `homeassistant`. */
  prefix: string;
  /** Stable id of this hub: the hub device's object id and the start of every unique id. */
  hubId: string;
  /** The hub's version, shown on the devices and in `origin`. */
  version: string;
  /** Where people get help; left out of `origin` when not given. */
  supportUrl?: string;
}

/** One component of a device-based discovery payload (full key names, never abbreviations). */
export type Component = { platform: string; unique_id?: string; default_entity_id?: string } & Record<string, unknown>;

/** A device-based discovery payload, published retained on `<prefix>/device/<object id>/config`. */
export interface DevicePayload {
  device: Record<string, unknown>;
  origin: { name: string; sw_version: string; support_url?: string };
  availability_topic: string;
  payload_available: string;
  payload_not_available: string;
  components: Record<string, Component>;
}

export interface DiscoveryMessage {
  topic: string;
  payload: DevicePayload;
}

const MANUFACTURER = "emotion-hub";
const OBJECT_ID = /^[a-zA-Z0-9_-]+$/;

/** The hub's own device: Home Assistant link, model, transcripts processed, the global switch and the version. */
export function hubDevice(ctx: DiscoveryContext): DiscoveryMessage {
  const objectId = checkObjectId(hubObjectId(ctx.hubId));
  const device = { identifiers: [objectId], name: "Emotion hub", manufacturer: MANUFACTURER, model: "Emotion hub" };

  return message(ctx, objectId, device, hubComponents(ctx));
}

function hubComponents(ctx: DiscoveryContext): Record<string, Component> {
  const ids = hubEntityIds(ctx.hubId);
  const state = ctx.topics.hubState();

  return {
    homeassistant: {
      ...entity(ctx, "homeassistant", ids.homeassistant, "Home Assistant"),
      platform: "binary_sensor",
      device_class: "connectivity",
      entity_category: "diagnostic",
      state_topic: state,
      value_template: "{{ 'ON' if value_json.homeassistant == 'connected' else 'OFF' }}",
    },
    model: {
      ...entity(ctx, "model", ids.model, "Model"),
      platform: "sensor",
      device_class: "enum",
      options: ["loading", "ready", "error"],
      entity_category: "diagnostic",
      icon: "mdi:brain",
      state_topic: state,
      value_template: "{{ value_json.model }}",
    },
    transcripts: {
      ...entity(ctx, "transcripts", ids.transcripts, "Transcripts"),
      platform: "sensor",
      state_class: "total_increasing",
      entity_category: "diagnostic",
      icon: "mdi:counter",
      state_topic: state,
      value_template: "{{ value_json.transcripts }}",
    },
    enabled: {
      ...entity(ctx, "enabled", ids.enabled, "Enabled"),
      platform: "switch",
      icon: "mdi:power",
      state_topic: ctx.topics.hubEnabled(),
      command_topic: ctx.topics.set(ctx.topics.hubEnabled()),
    },
    version: {
      ...entity(ctx, "version", ids.version, "Version"),
      platform: "sensor",
      entity_category: "diagnostic",
      icon: "mdi:tag-outline",
      state_topic: state,
      value_template: "{{ value_json.version }}",
    },
  };
}

/** A room's device, attached to the hub: its mood and the controls that steer the room's automation. */
export function roomDevice(ctx: DiscoveryContext, roomId: string, room: { name?: string }): DiscoveryMessage {
  const objectId = checkObjectId(roomObjectId(ctx.hubId, roomId));
  const name = roomName(roomId, room);
  const device = {
    identifiers: [objectId],
    name: `${name} mood`,
    manufacturer: MANUFACTURER,
    model: "Room mood",
    suggested_area: name,
    via_device: hubObjectId(ctx.hubId),
  };
  const components = { ...moodComponents(ctx, roomId), ...controlComponents(ctx, roomId) };

  return message(ctx, objectId, device, components);
}

/**
 * The retained topics to clear (publish an empty retained payload) to remove a room's device and its stale
 * states, or, without a room, the hub's device.
 */
export function removalFor(ctx: Pick<DiscoveryContext, "topics" | "prefix" | "hubId">, roomId?: string): string[] {
  if (roomId === undefined) {
    return [deviceConfigTopic(ctx.prefix, hubObjectId(ctx.hubId))];
  }
  const t = ctx.topics;
  const states = [t.mood(roomId), t.automation(roomId), t.override(roomId), t.hold(roomId), t.paused(roomId)];

  const scenes = [t.scene(roomId), t.activeScene(roomId)];

  return [deviceConfigTopic(ctx.prefix, roomObjectId(ctx.hubId, roomId)), ...states, ...scenes];
}

function moodComponents(ctx: DiscoveryContext, roomId: string): Record<string, Component> {
  const ids = roomEntityIds(roomId);
  const mood = ctx.topics.mood(roomId);
  const scene = ctx.topics.scene(roomId);

  return {
    mood: {
      // A null name makes the mood the device's main entity: its friendly name is the device's ("Living room mood").
      ...entity(ctx, `${roomId}_mood`, ids.mood, null),
      platform: "sensor",
      device_class: "enum",
      options: [...EMOTION_LABELS],
      icon: "mdi:emoticon-outline",
      state_topic: mood,
      value_template: "{{ value_json.mood }}",
      json_attributes_topic: mood,
      // Whitelist, so nothing else a mood payload might ever carry reaches Home Assistant's history.
      json_attributes_template: attributesTemplate(["confidence", "scores", "previous", "since"]),
    },
    scene: {
      ...entity(ctx, `${roomId}_scene`, ids.scene, "Scene"),
      platform: "sensor",
      icon: "mdi:palette-outline",
      // The state is the scene in effect; a refused or failed one shows only in the attributes' status.
      state_topic: ctx.topics.activeScene(roomId),
      value_template: "{{ value_json.scene }}",
      json_attributes_topic: scene,
      json_attributes_template: attributesTemplate(["status", "at"]),
    },
  };
}

function controlComponents(ctx: DiscoveryContext, roomId: string): Record<string, Component> {
  const ids = roomEntityIds(roomId);
  const t = ctx.topics;

  return {
    automation: {
      ...entity(ctx, `${roomId}_automation`, ids.automation, "Automation"),
      ...stateAndCommand(t, t.automation(roomId)),
      platform: "switch",
      icon: "mdi:robot-outline",
    },
    override: {
      ...entity(ctx, `${roomId}_override`, ids.override, "Override"),
      ...stateAndCommand(t, t.override(roomId)),
      platform: "select",
      options: ["auto", ...EMOTION_LABELS],
      icon: "mdi:hand-pointing-right",
    },
    hold: {
      ...entity(ctx, `${roomId}_hold`, ids.hold, "Hold time"),
      ...stateAndCommand(t, t.hold(roomId)),
      platform: "number",
      device_class: "duration",
      min: HOLD_TIME_SECONDS.min,
      max: HOLD_TIME_SECONDS.max,
      step: HOLD_TIME_SECONDS.step,
      mode: "box",
      unit_of_measurement: "s",
      entity_category: "config",
      icon: "mdi:timer-outline",
    },
    paused: {
      ...entity(ctx, `${roomId}_paused`, ids.paused, "Paused"),
      platform: "binary_sensor",
      icon: "mdi:hand-back-right-outline",
      state_topic: t.paused(roomId),
    },
    reset: {
      ...entity(ctx, `${roomId}_reset`, ids.reset, "Reset"),
      platform: "button",
      icon: "mdi:restore",
      command_topic: t.reset(roomId),
    },
  };
}

function entity(ctx: DiscoveryContext, key: string, entityId: string, name: string | null) {
  return { unique_id: uniqueId(ctx.hubId, key), default_entity_id: entityId, name };
}

function stateAndCommand(topics: Topics, stateTopic: string) {
  return { state_topic: stateTopic, command_topic: topics.set(stateTopic) };
}

/** A Jinja template that turns the JSON payload into attributes holding only `keys` (missing ones as null). */
function attributesTemplate(keys: string[]): string {
  const pairs = keys.map((key) => `'${key}': value_json.get('${key}')`).join(", ");

  return `{{ {${pairs}} | tojson }}`;
}

function message(
  ctx: DiscoveryContext,
  objectId: string,
  device: Record<string, unknown>,
  components: Record<string, Component>,
): DiscoveryMessage {
  const origin = {
    name: "emotion-hub",
    sw_version: ctx.version,
    ...(ctx.supportUrl ? { support_url: ctx.supportUrl } : {}),
  };
  const payload: DevicePayload = {
    device: { ...device, sw_version: ctx.version },
    origin,
    availability_topic: ctx.topics.status(),
    payload_available: "online",
    payload_not_available: "offline",
    components,
  };

  return { topic: deviceConfigTopic(ctx.prefix, objectId), payload };
}

function checkObjectId(objectId: string): string {
  if (!OBJECT_ID.test(objectId)) {
    throw new Error(`invalid discovery object id '${objectId}' (use only letters, digits, '_' and '-')`);
  }

  return objectId;
}
