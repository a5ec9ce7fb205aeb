import { describe, expect, it } from "vitest";
import type { EmotionLabel } from "../../src/emotion/labels.js";
import { hubEvent, logbookEntry } from "../../src/explain/explanation.js";

describe("logbookEntry", () => {
  it("tells the mood, its confidence and the scene, on the room's mood sensor", () => {
    const entry = logbookEntry({ id: "living_room" }, { mood: "sadness", confidence: 0.724 }, "Comfort");

    expect(entry).toEqual({
      name: "emotion-hub",
      message: "Living room felt sad (72 %) → scene Comfort",
      entity_id: "sensor.living_room_mood",
    });
  });

  it("uses the configured room name and reads every mood as a word", () => {
    const moods: [EmotionLabel, string][] = [
      ["anger", "angry"],
      ["disgust", "disgusted"],
      ["fear", "afraid"],
      ["joy", "joyful"],
      ["neutral", "neutral"],
      ["surprise", "surprised"],
    ];

    for (const [mood, word] of moods) {
      const entry = logbookEntry({ id: "den", name: "The den" }, { mood, confidence: 1 }, "Party");

      expect(entry.message).toBe(`The den felt ${word} (100 %) → scene Party`);
    }
  });

  it("attaches the entry to the mood sensor's real entity id when Home Assistant's registry gave one", () => {
    const entry = logbookEntry({ id: "living_room" }, { mood: "sadness", confidence: 0.5 }, "Comfort", "sensor.salon");

    expect(entry.entity_id).toBe("sensor.salon");
  });

  it("says when the mood was forced by the override select", () => {
    const entry = logbookEntry({ id: "kitchen" }, { mood: "joy", confidence: 1, reason: "override" }, "Bright");

    expect(entry.message).toBe("Kitchen set to joyful by override → scene Bright");
  });

  it("clamps a confidence outside 0..1 and leaves out one that is not a number", () => {
    expect(logbookEntry({ id: "a" }, { mood: "joy", confidence: 1.7 }, "S").message).toBe(
      "A felt joyful (100 %) → scene S",
    );
    expect(logbookEntry({ id: "a" }, { mood: "joy", confidence: Number.NaN }, "S").message).toBe(
      "A felt joyful → scene S",
    );
  });

  it("reads only the mood and confidence, even when handed a whole event carrying text", () => {
    const leaky = { mood: "sadness" as const, confidence: 0.5, text: "I miss my dog" };
    const entry = logbookEntry({ id: "living_room" }, leaky, "Comfort");

    expect(JSON.stringify(entry)).not.toContain("dog");
  });
});

describe("hubEvent", () => {
  it("builds the events line with an ISO time from a Date, a number or a string", () => {
    const at = Date.parse("2025-03-01T20:15:00Z");
    const event = hubEvent("scene_applied", "living_room", { scene: "Default" }, { scene: "Comfort" }, "sadness", at);

    expect(event).toEqual({
      type: "scene_applied",
      room: "living_room",
      before: { scene: "Default" },
      after: { scene: "Comfort" },
      reason: "sadness",
      at: "2025-03-01T20:15:00.000Z",
    });
    expect(hubEvent("override_ended", "x", true, false, "hold time over", new Date(at)).at).toBe(event.at);
    expect(hubEvent("override_ended", "x", true, false, "reset", "2025-03-01T20:15:00Z").at).toBe(event.at);
  });

  it("strips text-like fields at any depth from before and after", () => {
    const before = { mood: "neutral", text: "secret words", nested: [{ transcript: "more words", ok: 1 }] };
    const event = hubEvent("mood_changed", "den", before, { mood: "joy", speaker: "ann" }, "classified", 0);

    expect(event.before).toEqual({ mood: "neutral", nested: [{ ok: 1 }] });
    expect(event.after).toEqual({ mood: "joy" });
    expect(JSON.stringify(event)).not.toMatch(/words|ann/);
  });

  it("keeps plain values and null as they are", () => {
    const event = hubEvent("override_started", "den", null, "paused", "manual change", 0);

    expect([event.before, event.after]).toEqual([null, "paused"]);
  });

  it("rejects a time that is not one", () => {
    expect(() => hubEvent("mood_changed", "den", null, null, "x", "yesterday")).toThrow(
      /invalid event time 'yesterday'/,
    );
  });
});
