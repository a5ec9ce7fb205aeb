import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { Topics } from "../../src/mqtt/topics.js";
import { HERMES_TOPIC, transcriptSources } from "../../src/transcripts/sources.js";
import { payloadLimit } from "../../src/transcripts/textRules.js";

const config = configSchema.parse({
  rooms: {
    living_room: { area: "living_room", siteIds: ["satellite-living"] },
    kitchen: { area: "kitchen", siteIds: ["default"] },
  },
  transcripts: {
    maxLength: 50,
    custom: [
      { name: "wyoming", topic: "wyoming/+/transcript", textPath: "data.text", sitePath: "data.satellite" },
      { name: "office", topic: "office/said", room: "kitchen" },
    ],
  },
});
const sources = transcriptSources(config, new Topics("eh"));
const byName = Object.fromEntries(sources.map((s) => [s.name, s]));

function parse(name: string, topic: string, payload: string | Buffer) {
  const source = byName[name];
  if (source === undefined) {
    throw new Error(`no source ${name}`);
  }

  return source.parse(topic, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), 1_700_000_000_000);
}

/** JSON as Python's `json.dumps` writes it by default: `", "` and `": "` between items, every non-ASCII UTF-16 unit escaped. */
function pythonJson(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonJson).join(", ")}]`;
  }
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`)
      .join(", ")}}`;
  }

  return JSON.stringify(value);
}

/** What Rhasspy sends for `text`: one ASR token per word, with full-precision floats. */
function hermesWithTokens(text: string): Record<string, unknown> {
  let start = 0;
  const tokens = text.split(" ").map((word, index) => {
    const token = {
      value: word,
      confidence: 0.987_654_321_012_345_6,
      rangeStart: start,
      rangeEnd: start + word.length,
      time: { start: index * 0.312_345_678_901_234_5, end: index * 0.312_345_678_901_234_5 + 0.298_765_432_109_876_5 },
    };
    start += word.length + 1;

    return token;
  });

  return {
    text,
    likelihood: 0.912_345_678_901_234_5,
    seconds: 123.456_789_012_345_67,
    siteId: "satellite-living",
    sessionId: "5e1a6c2b-8f0d-4c47-9a3e-2d7b9f1e0c44",
    wakewordId: "porcupine",
    asrTokens: [tokens],
    lang: "en",
  };
}

describe("transcript sources", () => {
  it("subscribes to our own topic, Hermes and each custom topic", () => {
    expect(sources.map((s) => s.pattern)).toEqual([
      "eh/+/transcript",
      HERMES_TOPIC,
      "wyoming/+/transcript",
      "office/said",
    ]);
  });

  it("reads plain text and JSON on our own topic", () => {
    expect(parse("own", "eh/living_room/transcript", "what a lovely day")).toEqual({
      ok: true,
      utterance: { room: "living_room", text: "what a lovely day", source: "own", at: 1_700_000_000_000 },
    });
    const json = parse("own", "eh/kitchen/transcript", JSON.stringify({ text: "hi", speaker: "ann", lang: "en" }));
    expect(json).toMatchObject({ ok: true, utterance: { room: "kitchen", text: "hi", speaker: "ann", lang: "en" } });
  });

  it("maps a Hermes siteId to its room", () => {
    const payload = {
      text: "i am so tired of this",
      likelihood: 0.9,
      seconds: 1.2,
      siteId: "satellite-living",
      sessionId: "a1b2",
    };

    expect(parse("hermes", HERMES_TOPIC, JSON.stringify(payload))).toMatchObject({
      ok: true,
      utterance: { room: "living_room", source: "hermes", id: "a1b2" },
    });
    expect(parse("hermes", HERMES_TOPIC, JSON.stringify({ text: "hello" }))).toMatchObject({
      ok: true,
      utterance: { room: "kitchen" },
    });
  });

  it("reads custom sources by path, site or fixed room", () => {
    const wyoming = JSON.stringify({ data: { text: "so happy", satellite: "satellite-living" } });
    expect(parse("wyoming", "wyoming/a/transcript", wyoming)).toMatchObject({
      ok: true,
      utterance: { room: "living_room", source: "wyoming", text: "so happy" },
    });
    expect(parse("office", "office/said", "plain words")).toMatchObject({ ok: true, utterance: { room: "kitchen" } });
  });

  it("counts characters as code points, not UTF-16 units", () => {
    expect(parse("own", "eh/living_room/transcript", "😀".repeat(50))).toMatchObject({ ok: true });
    expect(parse("own", "eh/living_room/transcript", "😀".repeat(51))).toMatchObject({
      ok: false,
      reason: "too_long",
      detail: "text over 50 characters",
    });
  });

  it("takes a Hermes transcript of the longest allowed text with its ASR tokens", () => {
    const long = transcriptSources(
      configSchema.parse({
        rooms: { living_room: { area: "living_room", siteIds: ["satellite-living"] } },
        transcripts: { maxLength: 2000 },
      }),
      new Topics("eh"),
    ).find((source) => source.name === "hermes");
    const plain = "i had such an awful day ".repeat(84).slice(0, 2000);
    // Sliced by code points, which is how the limit counts.
    const emoji = [..."so sad 😢 ".repeat(250)].slice(0, 2000).join("");
    const parsed = [JSON.stringify(hermesWithTokens(plain)), pythonJson(hermesWithTokens(emoji))].map((payload) =>
      long?.parse(HERMES_TOPIC, Buffer.from(payload), 1_700_000_000_000),
    );

    expect(parsed).toMatchObject([
      { ok: true, utterance: { room: "living_room", text: plain } },
      { ok: true, utterance: { room: "living_room", text: emoji } },
    ]);
  });

  it("takes Python-style escaped JSON of the longest allowed text", () => {
    const emoji = "😢".repeat(50);
    const payload = pythonJson({ text: emoji, speaker: "ann", lang: "en" });

    expect(Buffer.byteLength(payload)).toBeGreaterThan(12 * 50);
    expect(parse("own", "eh/kitchen/transcript", payload)).toMatchObject({ ok: true, utterance: { text: emoji } });
  });

  it("turns an over-size payload away before reading it", () => {
    const limit = payloadLimit(50);
    // Not UTF-8 either: only a size check that comes first can call it too long.
    const huge = Buffer.alloc(limit + 1, 0xff);
    for (const [name, topic] of [
      ["own", "eh/living_room/transcript"],
      ["hermes", HERMES_TOPIC],
      ["office", "office/said"],
    ] as const) {
      expect(parse(name, topic, huge)).toEqual({
        ok: false,
        reason: "too_long",
        detail: `payload over ${limit} bytes`,
      });
    }
  });

  it("checks ts but keeps the arrival time", () => {
    for (const ts of ["2024-05-01T10:00:00Z", 1_714_557_600]) {
      expect(parse("own", "eh/kitchen/transcript", JSON.stringify({ text: "hi", ts }))).toMatchObject({
        ok: true,
        utterance: { at: 1_700_000_000_000 },
      });
    }
    for (const ts of [true, "yesterday", "1714557600", { at: 1 }]) {
      expect(parse("own", "eh/kitchen/transcript", JSON.stringify({ text: "hi", ts }))).toMatchObject({
        ok: false,
        reason: "wrong_type",
      });
    }
  });

  it("never names a room or site taken from the payload", () => {
    const wyoming = JSON.stringify({ data: { text: "hi", satellite: "attic-of-ann" } });
    const hermes = JSON.stringify({ text: "hi", siteId: "attic-of-ann" });
    const results = [parse("wyoming", "wyoming/a/transcript", wyoming), parse("hermes", HERMES_TOPIC, hermes)];

    for (const result of results) {
      expect(result).toMatchObject({ ok: false, reason: "unknown_room" });
      expect(JSON.stringify(result)).not.toContain("attic");
    }
  });

  it.each([
    ["own", "eh/living_room/transcript", "", "empty"],
    ["own", "eh/living_room/transcript", "   \n ", "empty"],
    ["own", "eh/living_room/transcript", "{not json", "invalid_json"],
    ["own", "eh/living_room/transcript", JSON.stringify({ text: 42 }), "wrong_type"],
    ["own", "eh/living_room/transcript", JSON.stringify({ words: "x" }), "wrong_type"],
    ["own", "eh/living_room/transcript", JSON.stringify({ text: "x", speaker: 3 }), "wrong_type"],
    ["own", "eh/living_room/transcript", Buffer.from([0xc3, 0x28, 0xff]), "not_utf8"],
    ["own", "eh/living_room/transcript", "x".repeat(51), "too_long"],
    ["own", "eh/garage/transcript", "hello", "unknown_room"],
    ["hermes", HERMES_TOPIC, "not json", "invalid_json"],
    ["hermes", HERMES_TOPIC, JSON.stringify({ text: "hi", siteId: "attic" }), "unknown_room"],
    ["hermes", HERMES_TOPIC, JSON.stringify([1, 2]), "invalid_json"],
    ["hermes", HERMES_TOPIC, JSON.stringify({ text: "", siteId: "default" }), "empty"],
    ["wyoming", "wyoming/a/transcript", JSON.stringify({ data: { text: "x" } }), "unknown_room"],
  ])("rejects %s on %s (%s) as %s", (name, topic, payload, reason) => {
    const result = parse(name, topic, payload);

    expect(result).toMatchObject({ ok: false, reason });
    expect(JSON.stringify(result)).not.toContain("tired");
  });
});
