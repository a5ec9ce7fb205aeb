"use strict";

const SCENE_PARTS = ["lighting", "music", "climate"];

/** The scene a scene node's form describes, in the hub's scene schema (see docs/node-red.md). */
function sceneFromForm(form) {
  const scene = {};
  const name = text(form.name);
  if (name) {
    scene.name = name;
  }
  const lighting = lightingFromForm(form);
  if (lighting) {
    scene.lighting = lighting;
  }
  const music = musicFromForm(form);
  if (music) {
    scene.music = music;
  }
  if (form.climateMode === "set") {
    scene.climate = compact({ temperature: number(form.temperature, "temperature"), hvac_mode: text(form.hvacMode) });
  }
  if (text(form.haScene)) {
    scene.haScene = text(form.haScene);
  }

  return scene;
}

function lightingFromForm(form) {
  if (form.lightingMode === "off") {
    return compact({ on: false, transition: number(form.transition, "transition") });
  }
  if (form.lightingMode !== "on") {
    return undefined;
  }

  return compact({
    on: true,
    brightness_pct: number(form.brightness, "brightness"),
    color_temp_kelvin: form.colorMode === "temp" ? number(form.colorTemp, "colour temperature") : undefined,
    rgb_color: form.colorMode === "rgb" ? rgbFromHex(form.rgb) : undefined,
    transition: number(form.transition, "transition"),
  });
}

function musicFromForm(form) {
  if (form.musicMode === "stop") {
    return { stop: true };
  }
  if (form.musicMode !== "play") {
    return undefined;
  }
  const volume = number(form.volume, "volume");

  return compact({
    media_content_id: text(form.mediaId),
    media_content_type: text(form.mediaType) || "playlist",
    volume_level: volume === undefined ? undefined : volume / 100,
  });
}

/**
 * Applies `msg.payload` overrides: a part given as an object is merged over the form's part, a part given as
 * `null` is removed (JSON Merge Patch), and `name` and `haScene` replace the form's.
 */
function withOverrides(scene, payload) {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    return scene;
  }
  const result = { ...scene };
  for (const part of SCENE_PARTS) {
    if (payload[part] === null) {
      delete result[part];
    } else if (isObject(payload[part])) {
      result[part] = { ...(result[part] ?? {}), ...payload[part] };
    }
  }
  for (const key of ["name", "haScene"]) {
    if (payload[key] === null) {
      delete result[key];
    } else if (typeof payload[key] === "string") {
      result[key] = payload[key];
    }
  }

  return result;
}

/** Whether a scene asks for anything at all. */
function hasParts(scene) {
  return SCENE_PARTS.some((part) => scene[part] !== undefined) || scene.haScene !== undefined;
}

/** The room: the form's, else `msg.payload.room`, else `msg.topic`. */
function roomFor(form, msg) {
  return text(form.room) || text(msg.payload?.room) || text(msg.topic);
}

function rgbFromHex(value) {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text(value));
  if (!match) {
    throw new Error(`invalid colour '${value}' (expected #rrggbb)`);
  }

  return match.slice(1, 4).map((hex) => Number.parseInt(hex, 16));
}

function number(value, label) {
  if (value === undefined || value === null || String(value).trim() === "") {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new Error(`invalid ${label} '${value}' (expected a number)`);
  }

  return parsed;
}

function text(value) {
  return typeof value === "string" ? value.trim() : "";
}

function compact(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== ""));
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

module.exports = { sceneFromForm, withOverrides, hasParts, roomFor };
