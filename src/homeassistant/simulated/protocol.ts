import type { ServiceFailure } from "./services.js";

export type Frame = Record<string, unknown>;

const AUTH_KEYS = ["type", "access_token", "api_password"];
const CALL_SERVICE_KEYS = ["id", "type", "domain", "service", "service_data", "target", "return_response"];

/** The events a user who is not an administrator may subscribe to (Home Assistant's SUBSCRIBE_ALLOWLIST). */
export const SUBSCRIBE_ALLOWLIST: readonly string[] = [
  "area_registry_updated",
  "component_loaded",
  "core_config_updated",
  "device_registry_updated",
  "entity_registry_updated",
  "lovelace_updated",
  "panels_updated",
  "persistent_notifications_updated",
  "service_registered",
  "service_removed",
  "shopping_list_updated",
  "state_changed",
  "themes_updated",
];

export function isObject(value: unknown): value is Frame {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function result(id: number, value: unknown): Frame {
  return { id, type: "result", success: true, result: value };
}

export function errorFrame(id: unknown, code: string, message: string): Frame {
  return { id, type: "result", success: false, error: { code, message } };
}

/** An error result with the translation fields Home Assistant adds for its own exceptions. */
export function failureFrame(id: number, failure: ServiceFailure): Frame {
  const error: Frame = { code: failure.code, message: failure.message };
  if (failure.translation !== undefined) {
    error.translation_key = failure.translation.key;
    error.translation_placeholders = failure.translation.placeholders;
    error.translation_domain = failure.translation.domain;
  }

  return { id, type: "result", success: false, error };
}

/** Checks an auth message; returns the `auth_invalid` text, or undefined when it is well formed. */
export function authMessageProblem(message: unknown): string | undefined {
  if (!isObject(message)) {
    return "Auth message incorrectly formatted: expected a dictionary";
  }

  const problems = Object.keys(message)
    .filter((key) => !AUTH_KEYS.includes(key))
    .map((key) => `extra keys not allowed @ data['${key}']. Got ${pythonRepr(message[key])}`);
  if (message.type !== "auth") {
    problems.push(`not a valid value for dictionary value @ data['type']. Got ${pythonRepr(message.type)}`);
  }

  return problems.length === 0 ? undefined : `Auth message incorrectly formatted: ${problems.join("\n")}`;
}

/** The id to echo for a message that is not a well-formed command, or undefined when it is one. */
export function malformedCommandId(message: unknown): { id: unknown } | undefined {
  if (!isObject(message)) {
    return { id: 0 };
  }

  const { id, type } = message;
  if (typeof id === "number" && Number.isInteger(id) && id > 0 && typeof type === "string" && type !== "") {
    return undefined;
  }

  return { id: id === undefined ? null : id };
}

/** Checks the envelope of a `call_service` message (not its service data); returns the problem, if any. */
export function callServiceProblem(message: Frame): string | undefined {
  const extra = Object.keys(message).find((key) => !CALL_SERVICE_KEYS.includes(key));
  if (extra !== undefined) {
    return `extra keys not allowed @ data['${extra}']`;
  }

  for (const key of ["domain", "service"]) {
    if (message[key] === undefined) {
      return `required key not provided @ data['${key}']`;
    }

    if (typeof message[key] !== "string") {
      return `expected str for dictionary value @ data['${key}']`;
    }
  }
  if (message.return_response !== undefined && typeof message.return_response !== "boolean") {
    return "expected bool for dictionary value @ data['return_response']";
  }

  return undefined;
}

function pythonRepr(value: unknown): string {
  if (typeof value === "string") {
    return `'${value}'`;
  }

  return value === undefined || value === null ? "None" : JSON.stringify(value);
}
