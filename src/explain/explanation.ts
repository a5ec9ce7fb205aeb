import { roomEntityIds, roomName } from "../discovery/naming.js";
import type { EmotionLabel } from "../emotion/labels.js";
import type { HubEvent } from "../mqtt/topics.js";

/** The service data of a `logbook.log` call. */
export interface LogbookEntry {
  name: string;
  message: string;
  entity_id?: string;
}

/** How a mood reads in a sentence: "Living room felt sad". */
const FELT: Record<EmotionLabel, string> = {
  anger: "angry",
  disgust: "disgusted",
  fear: "afraid",
  joy: "joyful",
  neutral: "neutral",
  sadness: "sad",
  surprise: "surprised",
};

/** Keys that could carry what someone said; stripped from every event so no caller can leak them by accident. */
const TEXT_KEYS = new Set(["text", "transcript", "utterance", "speaker", "tokens"]);

/**
 * The logbook entry for an applied scene: "Living room felt sad (72 %) → scene Comfort", attached to the room's
 * mood sensor. Only the mood label, its confidence and the scene name are read, never anything else.
 * A mood forced by the override select reads "Living room set to sad by override → scene Comfort".
 * `entityId` is the sensor's id from Home Assistant's registry when known (someone may have renamed it);
 * otherwise the id the hub suggested is used.
 */
export function logbookEntry(
  room: { id: string; name?: string },
  mood: { mood: EmotionLabel; confidence: number; reason?: string },
  sceneName: string,
  entityId?: string,
): LogbookEntry {
  const why =
    mood.reason === "override"
      ? `set to ${felt(mood.mood)} by override`
      : `felt ${felt(mood.mood)}${percent(mood.confidence)}`;

  return {
    name: "emotion-hub",
    message: `${roomName(room.id, room)} ${why} → scene ${sceneName}`,
    entity_id: entityId ?? roomEntityIds(room.id).mood,
  };
}

/** A line for `<base>/events`, with the time as ISO 8601 and any text-like field removed from `before` and `after`. */
export function hubEvent(
  type: HubEvent["type"],
  room: string,
  before: unknown,
  after: unknown,
  reason: string,
  at: Date | number | string,
): HubEvent {
  return { type, room, before: withoutText(before), after: withoutText(after), reason, at: isoTime(at) };
}

function felt(label: EmotionLabel): string {
  // A label from an untyped caller (a flow, a payload) still reads as itself rather than "undefined".
  return (FELT as Record<string, string | undefined>)[label] ?? String(label);
}

function percent(confidence: number): string {
  if (!Number.isFinite(confidence)) {
    return "";
  }
  const clamped = Math.min(1, Math.max(0, confidence));

  return ` (${Math.round(clamped * 100)} %)`;
}

function isoTime(at: Date | number | string): string {
  const time = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(time.getTime())) {
    throw new Error(`invalid event time '${String(at)}'`);
  }

  return time.toISOString();
}

function withoutText(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutText);
  }
  if (value === null || typeof value !== "object") {
    return value;
  }
  const kept = Object.entries(value).filter(([key]) => !TEXT_KEYS.has(key));

  return Object.fromEntries(kept.map(([key, inner]) => [key, withoutText(inner)]));
}
