import { HomeAssistantError } from "./homeAssistantError.js";

type Frame = Record<string, unknown>;

/** What a connection attempt learned from the frames of its handshake. */
export interface Handshake {
  authInvalid?: string;
  socketError?: string;
  refused?: { code: string; message: string };
}

/** Parses a frame defensively: homeassistant-ws would throw on non-JSON or an event without a body. */
export function parseFrame(data: unknown): Frame {
  try {
    const frame: unknown = JSON.parse(String(data));
    if (isFrame(frame)) {
      return frame;
    }
  } catch {
    // Falls through to the inert frame below.
  }

  return { type: "invalid_frame" };
}

export function isFrame(value: unknown): value is Frame {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }

  const frame = value as Frame;

  return frame.type !== "event" || (typeof frame.event === "object" && frame.event !== null);
}

export function observeHandshake(frame: Frame, handshake: Handshake): Frame {
  if (frame.type === "auth_invalid") {
    handshake.authInvalid = String(frame.message ?? "access token refused");
  }
  const error = frame.error as { code?: unknown; message?: unknown } | undefined;
  if (frame.type === "result" && frame.success === false && handshake.refused === undefined && error) {
    handshake.refused = { code: String(error.code), message: String(error.message) };
  }

  return frame;
}

export function handshakeError(handshake: Handshake, error: unknown): HomeAssistantError {
  if (handshake.authInvalid !== undefined) {
    return new HomeAssistantError("auth_invalid", handshake.authInvalid);
  }

  if (handshake.refused?.code === "unauthorized") {
    const message = "the token's user may not subscribe to all events; homeassistant-ws needs an administrator";
    return new HomeAssistantError("unauthorized", message);
  }

  return asHomeAssistantError(error, "not_connected");
}

export function closedDuringHandshake(handshake: Handshake, code: number): HomeAssistantError {
  if (handshake.authInvalid !== undefined) {
    return new HomeAssistantError("auth_invalid", handshake.authInvalid);
  }

  const cause = handshake.socketError ?? `socket closed during the handshake with code ${code}`;

  return new HomeAssistantError("connection_lost", cause);
}

export function asHomeAssistantError(error: unknown, code: string): HomeAssistantError {
  if (error instanceof HomeAssistantError) {
    return error;
  }

  // ws reports connection failures to homeassistant-ws as an ErrorEvent, not an Error.
  const message = (error as { message?: unknown } | undefined)?.message;

  return new HomeAssistantError(code, typeof message === "string" && message !== "" ? message : String(error));
}
