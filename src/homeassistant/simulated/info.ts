import type { Frame } from "./protocol.js";

/** The `auth/current_user` answer for the token's user. */
export function userOf(id: string, admin: boolean): Frame {
  return {
    id,
    name: "emotion-hub",
    is_owner: false,
    is_admin: admin,
    credentials: [{ auth_provider_type: "homeassistant", auth_provider_id: null }],
    mfa_modules: [],
  };
}

/** The `get_config` answer, with the keys Home Assistant 2023.12 sends. */
export function configOf(version: string): Frame {
  return {
    latitude: 52.52,
    longitude: 13.405,
    elevation: 34,
    unit_system: {
      length: "km",
      accumulated_precipitation: "mm",
      mass: "g",
      pressure: "Pa",
      temperature: "°C",
      volume: "L",
      wind_speed: "m/s",
    },
    location_name: "Simulated home",
    time_zone: "UTC",
    components: ["climate", "light", "logbook", "media_player", "scene", "websocket_api"],
    config_dir: "/config",
    whitelist_external_dirs: [],
    allowlist_external_dirs: [],
    allowlist_external_urls: [],
    version,
    config_source: "storage",
    recovery_mode: false,
    state: "RUNNING",
    external_url: null,
    internal_url: null,
    currency: "EUR",
    country: null,
    language: "en",
    safe_mode: false,
  };
}
