import type { HaState } from "../types.js";
import { kelvinToRgb, normaliseKelvin, rgbToHs, rgbToXy } from "./colour.js";
import type { Fields } from "./fields.js";

/** A refusal by the service itself, after its data passed the schema (Home Assistant's ServiceValidationError). */
export class ServiceFailure extends Error {
  readonly code: string;
  readonly translation: { key: string; domain: string; placeholders: Record<string, string> } | undefined;

  constructor(code: string, message: string, translation?: ServiceFailure["translation"]) {
    super(message);
    this.code = code;
    this.translation = translation;
  }
}

/** What a service does to one entity. */
export interface Change {
  state?: string;
  attributes?: Record<string, unknown>;
}

export interface ServiceSpec {
  fields: Fields;
  /** The entity domain the service acts on; omitted for services that act on no entity. */
  entityDomain?: string;
  /** At least one of these keys must be present. */
  atLeastOne?: string[];
  apply?: (entity: HaState, data: Record<string, unknown>) => Change;
}

export const HVAC_MODES = ["off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only"] as const;

const ENTITY_ID = { kind: "entity_ids" } as const;
const TRANSITION = { kind: "float", min: 0, max: 6553 } as const;
const COLOUR = "Color descriptors";
const BRIGHTNESS = "Brightness descriptors";

const LIGHT_ON_FIELDS: Fields = {
  entity_id: ENTITY_ID,
  transition: TRANSITION,
  brightness: { kind: "int", min: 0, max: 255, exclusive: BRIGHTNESS },
  brightness_pct: { kind: "float", min: 0, max: 100, exclusive: BRIGHTNESS },
  color_temp_kelvin: { kind: "int", min: 0, exclusive: COLOUR },
  color_temp: { kind: "int", min: 1, exclusive: COLOUR },
  rgb_color: { kind: "rgb", exclusive: COLOUR },
};

const COLOUR_OFF = { color_mode: null, brightness: null, color_temp_kelvin: null, color_temp: null };
const HUES_OFF = { hs_color: null, rgb_color: null, xy_color: null };

function lightOn(entity: HaState, data: Record<string, unknown>): Change {
  const brightness = brightnessOf(entity, data);
  if (brightness === 0) {
    return lightOff();
  }

  return { state: "on", attributes: { brightness, ...colourOf(entity, data) } };
}

function lightOff(): Change {
  return { state: "off", attributes: { ...COLOUR_OFF, ...HUES_OFF } };
}

function brightnessOf(entity: HaState, data: Record<string, unknown>): number {
  if (typeof data.brightness === "number") {
    return data.brightness;
  }

  if (typeof data.brightness_pct === "number") {
    return Math.round((data.brightness_pct * 255) / 100);
  }

  const current = entity.attributes.brightness;

  return typeof current === "number" ? current : 255;
}

function colourOf(entity: HaState, data: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(data.rgb_color)) {
    const rgb = data.rgb_color as [number, number, number];
    return { color_mode: "rgb", color_temp_kelvin: null, color_temp: null, ...huesOf(rgb) };
  }

  const kelvin = requestedKelvin(data) ?? (entity.state === "on" ? undefined : 2700);
  if (kelvin === undefined) {
    return {};
  }

  const min = Number(entity.attributes.min_color_temp_kelvin ?? 2000);
  const max = Number(entity.attributes.max_color_temp_kelvin ?? 6535);
  const stored = normaliseKelvin(kelvin, min, max);

  return {
    color_mode: "color_temp",
    color_temp_kelvin: stored.kelvin,
    color_temp: stored.mireds,
    ...huesOf(kelvinToRgb(stored.kelvin)),
  };
}

function requestedKelvin(data: Record<string, unknown>): number | undefined {
  if (typeof data.color_temp_kelvin === "number") {
    return data.color_temp_kelvin;
  }

  return typeof data.color_temp === "number" ? 1_000_000 / data.color_temp : undefined;
}

function huesOf(rgb: [number, number, number]): Record<string, unknown> {
  return { hs_color: rgbToHs(rgb), rgb_color: rgb, xy_color: rgbToXy(rgb) };
}

function playMedia(_entity: HaState, data: Record<string, unknown>): Change {
  const id = data.media_content_id;

  return {
    state: "playing",
    attributes: { media_content_id: id, media_content_type: data.media_content_type, media_title: id },
  };
}

function stopMedia(): Change {
  return {
    state: "idle",
    attributes: { media_content_id: undefined, media_content_type: undefined, media_title: undefined },
  };
}

function setTemperature(entity: HaState, data: Record<string, unknown>): Change {
  const attributes: Record<string, unknown> = {};
  for (const key of ["temperature", "target_temp_low", "target_temp_high"]) {
    if (typeof data[key] === "number") {
      attributes[key] = checkedTemperature(entity, data[key]);
    }
  }
  const mode = typeof data.hvac_mode === "string" ? checkedMode(entity, data.hvac_mode) : undefined;

  return { state: mode, attributes };
}

function checkedTemperature(entity: HaState, temperature: number): number {
  const min = Number(entity.attributes.min_temp);
  const max = Number(entity.attributes.max_temp);
  if (temperature < min || temperature > max) {
    const message = `Provided temperature ${temperature} is not valid. Accepted range is ${min} to ${max}.`;
    const placeholders = { check_temp: String(temperature), min_temp: String(min), max_temp: String(max) };
    throw new ServiceFailure("service_validation_error", message, {
      key: "temp_out_of_range",
      domain: "climate",
      placeholders,
    });
  }

  return temperature;
}

function checkedMode(entity: HaState, mode: string): string {
  const modes = entity.attributes.hvac_modes as string[];
  if (!modes.includes(mode)) {
    const message = `HVAC mode ${mode} is not valid. Valid HVAC modes are: ${modes.join(", ")}.`;
    const placeholders = { mode, modes: modes.join(", ") };
    throw new ServiceFailure("service_validation_error", message, {
      key: "not_valid_hvac_mode",
      domain: "climate",
      placeholders,
    });
  }

  return mode;
}

/** The services the simulated home offers, by domain and service. */
export const SERVICES: Record<string, Record<string, ServiceSpec>> = {
  light: {
    turn_on: { fields: LIGHT_ON_FIELDS, entityDomain: "light", apply: lightOn },
    turn_off: { fields: { entity_id: ENTITY_ID, transition: TRANSITION }, entityDomain: "light", apply: lightOff },
    toggle: {
      fields: LIGHT_ON_FIELDS,
      entityDomain: "light",
      apply: (entity, data) => (entity.state === "on" ? lightOff() : lightOn(entity, data)),
    },
  },
  media_player: {
    play_media: {
      fields: {
        entity_id: ENTITY_ID,
        media_content_id: { kind: "string", required: true },
        media_content_type: { kind: "string", required: true },
        enqueue: { kind: "enum", options: ["play", "next", "add", "replace"] },
        announce: { kind: "bool" },
        extra: { kind: "object" },
      },
      entityDomain: "media_player",
      apply: playMedia,
    },
    volume_set: {
      fields: { entity_id: ENTITY_ID, volume_level: { kind: "float", min: 0, max: 1, required: true } },
      entityDomain: "media_player",
      apply: (_entity, data) => ({ attributes: { volume_level: data.volume_level } }),
    },
    media_stop: { fields: { entity_id: ENTITY_ID }, entityDomain: "media_player", apply: stopMedia },
    media_pause: { fields: { entity_id: ENTITY_ID }, entityDomain: "media_player", apply: () => ({ state: "paused" }) },
    media_play: { fields: { entity_id: ENTITY_ID }, entityDomain: "media_player", apply: () => ({ state: "playing" }) },
  },
  climate: {
    set_temperature: {
      fields: {
        entity_id: ENTITY_ID,
        temperature: { kind: "float" },
        target_temp_low: { kind: "float" },
        target_temp_high: { kind: "float" },
        hvac_mode: { kind: "enum", options: HVAC_MODES },
      },
      atLeastOne: ["temperature", "target_temp_low", "target_temp_high"],
      entityDomain: "climate",
      apply: setTemperature,
    },
    set_hvac_mode: {
      fields: { entity_id: ENTITY_ID, hvac_mode: { kind: "enum", options: HVAC_MODES, required: true } },
      entityDomain: "climate",
      apply: (entity, data) => ({ state: checkedMode(entity, String(data.hvac_mode)) }),
    },
  },
  scene: {
    turn_on: { fields: { entity_id: ENTITY_ID, transition: TRANSITION }, entityDomain: "scene" },
  },
  logbook: {
    log: {
      fields: {
        name: { kind: "string", required: true },
        message: { kind: "string", required: true },
        entity_id: { kind: "string" },
        domain: { kind: "string" },
      },
    },
  },
};
