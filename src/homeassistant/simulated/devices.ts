import type { HaState } from "../types.js";
import type { Change } from "./services.js";
import { haTime, randomHex } from "./stamps.js";

export const CONFIG_ENTRY_ID = "5e1a7c0de5e1a7c0de5e1a7c0de5e1a7";

/** An area as `config/area_registry/list` returns it (keys as in Home Assistant 2023.12). */
export interface AreaEntry {
  aliases: string[];
  area_id: string;
  name: string;
  picture: null;
}

/** What one area of the simulated home holds. */
export interface AreaSeed {
  area: AreaEntry;
  states: HaState[];
  devices: Record<string, unknown>[];
  entities: Record<string, unknown>[];
  /** Scene entity id → the states it sets. */
  scenes: Map<string, Record<string, Change>>;
}

/** A light, a speaker, a thermostat and one scene ("Relax") in an area, registered on their own devices. */
export function seedArea(areaId: string, name: string): AreaSeed {
  const states = [light(areaId, name), speaker(areaId, name), thermostat(areaId, name), scene(areaId, name)];
  const devices: Record<string, unknown>[] = [];
  const entities: Record<string, unknown>[] = [];
  for (const [index, state] of states.slice(0, 3).entries()) {
    const device = deviceEntry(areaId, String(state.attributes.friendly_name), index);
    devices.push(device);
    entities.push(entityEntry(state.entity_id, String(device.id)));
  }
  entities.push(entityEntry(`scene.${areaId}_relax`, null));
  const relax = { [`light.${areaId}_light`]: { state: "on", attributes: { brightness: 77, color_temp_kelvin: 2702 } } };

  return {
    area: { aliases: [], area_id: areaId, name, picture: null },
    states,
    devices,
    entities,
    scenes: new Map([[`scene.${areaId}_relax`, relax]]),
  };
}

function state(entityId: string, value: string, attributes: Record<string, unknown>): HaState {
  const now = haTime();

  return {
    entity_id: entityId,
    state: value,
    attributes,
    last_changed: now,
    last_updated: now,
    context: { id: "01HSIMULATEDHOMESTARTUP000", parent_id: null, user_id: null },
  };
}

function light(areaId: string, name: string): HaState {
  return state(`light.${areaId}_light`, "off", {
    min_color_temp_kelvin: 2000,
    max_color_temp_kelvin: 6535,
    min_mireds: 153,
    max_mireds: 500,
    supported_color_modes: ["color_temp", "rgb"],
    color_mode: null,
    brightness: null,
    color_temp_kelvin: null,
    color_temp: null,
    hs_color: null,
    rgb_color: null,
    xy_color: null,
    friendly_name: `${name} Light`,
    supported_features: 32,
  });
}

function speaker(areaId: string, name: string): HaState {
  return state(`media_player.${areaId}_speaker`, "idle", {
    volume_level: 0.3,
    is_volume_muted: false,
    friendly_name: `${name} Speaker`,
    supported_features: 21005,
  });
}

function thermostat(areaId: string, name: string): HaState {
  return state(`climate.${areaId}_thermostat`, "heat", {
    hvac_modes: ["off", "heat", "cool", "heat_cool", "auto"],
    min_temp: 7,
    max_temp: 35,
    current_temperature: 21,
    temperature: 20,
    target_temp_high: null,
    target_temp_low: null,
    hvac_action: "heating",
    friendly_name: `${name} Thermostat`,
    supported_features: 387,
  });
}

function scene(areaId: string, name: string): HaState {
  return state(`scene.${areaId}_relax`, "unknown", {
    entity_id: [`light.${areaId}_light`],
    friendly_name: `${name} Relax`,
  });
}

function deviceEntry(areaId: string, name: string, index: number): Record<string, unknown> {
  return {
    area_id: areaId,
    configuration_url: null,
    config_entries: [CONFIG_ENTRY_ID],
    connections: [],
    disabled_by: null,
    entry_type: null,
    hw_version: null,
    id: randomHex(),
    identifiers: [["simulated", `${areaId}_${index}`]],
    manufacturer: "emotion-hub",
    model: "Simulated device",
    name_by_user: null,
    name,
    serial_number: null,
    sw_version: null,
    via_device_id: null,
  };
}

function entityEntry(entityId: string, deviceId: string | null): Record<string, unknown> {
  return {
    area_id: null,
    config_entry_id: deviceId === null ? null : CONFIG_ENTRY_ID,
    device_id: deviceId,
    disabled_by: null,
    entity_category: null,
    entity_id: entityId,
    has_entity_name: false,
    hidden_by: null,
    icon: null,
    id: randomHex(),
    name: null,
    options: { conversation: { should_expose: true } },
    original_name: null,
    platform: deviceId === null ? "homeassistant" : "simulated",
    translation_key: null,
    unique_id: entityId,
  };
}
