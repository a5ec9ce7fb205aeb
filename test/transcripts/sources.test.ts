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
