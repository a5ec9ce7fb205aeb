import type { Config, CustomSourceConfig } from "../config/schema.js";
import type { Topics } from "../mqtt/topics.js";
import { checkText, decodePayload, parseObject, type TextProblem } from "./textRules.js";
import type { ParseResult, Utterance } from "./utterance.js";

/** A place transcripts arrive: the topic pattern to subscribe to and how to read a payload into an utterance. */
export interface TranscriptSource {
  readonly name: string;
  readonly pattern: string;
  parse(topic: string, payload: Buffer, now: number): ParseResult;
}

export const HERMES_TOPIC = "hermes/asr/textCaptured";

type Fields = {
  text: unknown;
  room?: string;
  site?: unknown;
  speaker?: unknown;
  lang?: unknown;
  id?: unknown;
  ts?: unknown;
};

function reject(reason: TextProblem["reason"], detail: string): ParseResult {
  return { ok: false, reason, detail };
}

/** An ISO 8601 time or a number since the epoch; the hub checks it but goes by the time the transcript arrived. */
function isTime(value: unknown): boolean {
  if (typeof value === "number") {
    return Number.isFinite(value);
  }

  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

/** Reads a dotted path such as `data.text` out of a JSON object. */
export function valueAt(object: unknown, path: string): unknown {
  let current = object;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }

  return current;
}

function pick(object: Record<string, unknown>, ...keys: string[]): Fields {
  return Object.fromEntries(keys.map((key) => [key, object[key]])) as Fields;
}

/** Turns raw fields into an utterance, applying the checks every source shares. */
class UtteranceBuilder {
  private readonly siteRooms = new Map<string, string>();

  constructor(private readonly config: Config) {
    for (const [room, settings] of Object.entries(config.rooms)) {
      for (const site of settings.siteIds) {
        this.siteRooms.set(site, room);
      }
    }
  }

  build(source: string, fields: Fields, now: number): ParseResult {
    const { speaker, lang, id } = fields;
    const checked = checkText(fields.text, this.config.transcripts.maxLength);
    if (!checked.ok) {
      return checked;
    }
    if ([speaker, lang, id].some((field) => field !== undefined && typeof field !== "string")) {
      return reject("wrong_type", "speaker, lang and id must be strings");
    }
    if (fields.ts !== undefined && !isTime(fields.ts)) {
      return reject("wrong_type", "ts must be an ISO 8601 time or a number since the epoch");
    }
    const room = this.resolveRoom(fields);
    if (typeof room !== "string") {
      return room;
    }

    const utterance = { room, text: checked.text, source, at: now, speaker, lang, id } as Utterance;
    for (const key of ["speaker", "lang", "id"] as const) {
      if (utterance[key] === undefined) {
        delete utterance[key];
      }
    }

    return { ok: true, utterance };
  }

  /** The payload as text, once its size allows reading it. */
  read(payload: Buffer): { ok: true; text: string } | TextProblem {
    return decodePayload(payload, this.config.transcripts.maxLength);
  }

  private resolveRoom(fields: Fields): string | ParseResult {
    // The room and the site may come from the payload, so the detail names neither.
    if (fields.room !== undefined) {
      return this.config.rooms[fields.room] ? fields.room : reject("unknown_room", "the room is not configured");
    }
    if (typeof fields.site === "string") {
      return this.siteRooms.get(fields.site) ?? reject("unknown_room", "the site is in no room's siteIds");
    }

    return reject("unknown_room", "no room or site in the transcript");
  }
}

/** Our own topic `<base>/<room>/transcript`: plain UTF-8 text, or JSON `{text, speaker?, lang?, ts?}`. */
function ownSource(topics: Topics, builder: UtteranceBuilder): TranscriptSource {
  return {
    name: "own",
    pattern: topics.anyTranscript(),
    parse(topic, payload, now) {
      const read = builder.read(payload);
      if (!read.ok) {
        return read;
      }
      const { text } = read;
      const room = topics.roomOf(topic) ?? "";
      if (!text.trimStart().startsWith("{")) {
        return builder.build("own", { text, room }, now);
      }
      const object = parseObject(text);

      return object === undefined
        ? reject("invalid_json", "payload starts with '{' but is not a JSON object")
        : builder.build("own", { ...pick(object, "text", "speaker", "lang", "id", "ts"), room }, now);
    },
  };
}

/** Rhasspy's Hermes `hermes/asr/textCaptured`; `siteId` names the room through `rooms.*.siteIds`. */
function hermesSource(builder: UtteranceBuilder): TranscriptSource {
  return {
    name: "hermes",
    pattern: HERMES_TOPIC,
    parse(_topic, payload, now) {
      const read = builder.read(payload);
      if (!read.ok) {
        return read;
      }
      const { text } = read;
      const object = parseObject(text);
      if (object === undefined) {
        return reject("invalid_json", "payload is not a JSON object");
      }

      const site = object.siteId ?? "default";

      return builder.build(
        "hermes",
        { text: object.text, site, lang: object.lang, id: object.sessionId ?? undefined },
        now,
      );
    },
  };
}

/** A user-defined topic: where the text and the room are in the JSON is configured. */
function customSource(settings: CustomSourceConfig, builder: UtteranceBuilder): TranscriptSource {
  return {
    name: settings.name,
    pattern: settings.topic,
    parse(_topic, payload, now) {
      const read = builder.read(payload);
      if (!read.ok) {
        return read;
      }
      const { text } = read;
      const object = parseObject(text);
      if (object === undefined) {
        return settings.room !== undefined && !text.trimStart().startsWith("{")
          ? builder.build(settings.name, { text, room: settings.room }, now)
          : reject("invalid_json", "payload is not a JSON object");
      }
      const room = settings.roomPath ? valueAt(object, settings.roomPath) : settings.room;
      const site = settings.sitePath ? valueAt(object, settings.sitePath) : undefined;
      if (room !== undefined && typeof room !== "string") {
        return reject("wrong_type", `${settings.roomPath} is not a string`);
      }

      return builder.build(settings.name, { text: valueAt(object, settings.textPath), room, site }, now);
    },
  };
}

/** Every source the configuration turns on. */
export function transcriptSources(config: Config, topics: Topics): TranscriptSource[] {
  const builder = new UtteranceBuilder(config);
  const sources = [ownSource(topics, builder)];
  if (config.transcripts.hermes) {
    sources.push(hermesSource(builder));
  }
  for (const custom of config.transcripts.custom) {
    sources.push(customSource(custom, builder));
  }

  return sources;
}
