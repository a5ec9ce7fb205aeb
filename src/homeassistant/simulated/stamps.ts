import { randomBytes, randomInt } from "node:crypto";
import type { HaContext } from "../types.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID-shaped id (time first, then randomness), as Home Assistant gives every context. */
export function newUlid(now = Date.now()): string {
  let time = "";
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  let random = "";
  for (let i = 0; i < 16; i++) {
    random += CROCKFORD[randomInt(32)];
  }

  return time + random;
}

export function newContext(userId: string | null): HaContext {
  return { id: newUlid(), parent_id: null, user_id: userId };
}

/** Home Assistant's timestamp format: ISO 8601 with microseconds and `+00:00`. */
export function haTime(date = new Date()): string {
  return date.toISOString().replace("Z", "000+00:00");
}

/** 32 hex characters, the shape of Home Assistant's user, device and registry ids. */
export function randomHex(): string {
  return randomBytes(16).toString("hex");
}
