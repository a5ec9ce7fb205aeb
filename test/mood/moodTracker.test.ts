import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import type { EmotionLabel, EmotionScores } from "../../src/emotion/labels.js";
import { MoodTracker } from "../../src/mood/moodTracker.js";

const defaults = configSchema.parse({}).mood;

function scores(label: EmotionLabel, value = 0.85): EmotionScores {
  const base: EmotionScores = {
    anger: 0.02,
    disgust: 0.02,
    fear: 0.02,
    joy: 0.03,
    neutral: 0.1,
    sadness: 0.02,
    surprise: 0.02,
  };
  return { ...base, [label]: value };
}

function tracker(overrides: Partial<typeof defaults> = {}) {
  let clock = 1_000_000;
  const mood = new MoodTracker({ ...defaults, ...overrides }, () => clock);
  const advance = (seconds: number) => {
    clock += seconds * 1000;
  };

  return { mood, advance };
}

describe("MoodTracker", () => {
  it("does not flip on one stray remark, however strong", () => {
    const { mood, advance } = tracker();
    for (let i = 0; i < 3; i++) {
      expect(mood.observe("kitchen", scores("neutral", 0.9))).toBeUndefined();
      advance(10);
    }

    expect(mood.observe("kitchen", scores("anger", 0.99))).toBeUndefined();
    expect(mood.current("kitchen").mood).toBe("neutral");
  });

  it("does not flip on a single remark in a quiet room", () => {
    const { mood } = tracker();

    expect(mood.observe("kitchen", scores("sadness", 0.95))).toBeUndefined();
  });

  it("follows a sustained feeling", () => {
    const { mood, advance } = tracker();
    const changes = [];
    for (let i = 0; i < 4; i++) {
      changes.push(mood.observe("living_room", scores("sadness")));
      advance(5);
    }
    const change = changes.find((c) => c !== undefined);

    expect(change).toMatchObject({ room: "living_room", mood: "sadness", previous: "neutral", reason: "classified" });
    expect(change?.confidence).toBeGreaterThanOrEqual(defaults.threshold);
    expect(mood.current("living_room").mood).toBe("sadness");
  });

  it("holds a mood for the dwell time before a close or new feeling replaces it", () => {
    const { mood, advance } = tracker({ minDwell: 120 });
    for (let i = 0; i < 3; i++) {
      mood.observe("den", scores("sadness"));
      advance(5);
    }
    expect(mood.current("den").mood).toBe("sadness");
    for (let i = 0; i < 6; i++) {
      expect(mood.observe("den", scores("joy", 0.95))).toBeUndefined();
      advance(5);
    }
    advance(120);
    const changed = [mood.observe("den", scores("joy", 0.95)), mood.observe("den", scores("joy", 0.95))];

    expect(changed.find((c) => c !== undefined)?.mood).toBe("joy");
  });

  it("keeps the mood when a runner-up is within the hysteresis margin", () => {
    const { mood, advance } = tracker({ hysteresis: 0.15, minDwell: 0 });
    for (let i = 0; i < 3; i++) {
      mood.observe("den", scores("sadness", 0.7));
      advance(2);
    }
    expect(mood.current("den").mood).toBe("sadness");
    const mixed: EmotionScores = { ...scores("sadness", 0.66), fear: 0.74 };
    for (let i = 0; i < 10; i++) {
      expect(mood.observe("den", mixed)).toBeUndefined();
      advance(2);
    }
  });

  it("returns to neutral after silence", () => {
    const { mood, advance } = tracker({ decayAfter: 300 });
    for (let i = 0; i < 3; i++) {
      mood.observe("office", scores("anger"));
      advance(5);
    }
    expect(mood.current("office").mood).toBe("anger");
    advance(200);
    expect(mood.tick()).toEqual([]);
    advance(120);
    const [change] = mood.tick();

    expect(change).toMatchObject({ room: "office", mood: "neutral", previous: "anger", reason: "decay" });
    expect(mood.tick()).toEqual([]);
  });

  it("forces and resets a room's mood", () => {
    const { mood } = tracker();

    expect(mood.force("hall", "joy", "override")).toMatchObject({ mood: "joy", previous: "neutral", confidence: 1 });
    expect(mood.force("hall", "joy", "override")).toBeUndefined();
    expect(mood.reset("hall")).toMatchObject({ mood: "neutral", previous: "joy", reason: "reset" });
    expect(mood.release("hall", "auto")).toBeUndefined();
  });

  it("brings back the detected mood, frozen as it was, when a forced one is released", () => {
    const { mood, advance } = tracker({ decayAfter: 300 });
    for (let i = 0; i < 3; i++) {
      mood.observe("den", scores("sadness"));
      advance(5);
    }
    expect(mood.force("den", "joy", "override")).toMatchObject({ mood: "joy", previous: "sadness", confidence: 1 });
    expect(mood.current("den")).toMatchObject({ mood: "joy", reason: "override" });
    advance(3600);
    expect(mood.tick()).toEqual([]);
    expect(mood.observe("den", scores("anger", 0.99))).toBeUndefined();

    const back = mood.release("den", "auto");
    expect(back).toMatchObject({ room: "den", mood: "sadness", previous: "joy", reason: "auto" });
    expect(back?.confidence).toBeGreaterThan(0.5);
    expect(mood.current("den").scores.anger).toBeLessThan(0.1);
    advance(290);
    expect(mood.tick()).toEqual([]);
    advance(20);
    expect(mood.tick()).toMatchObject([{ mood: "neutral", previous: "sadness", reason: "decay" }]);
  });

  it("releases quietly when the forced mood is the detected one", () => {
    const { mood, advance } = tracker();
    for (let i = 0; i < 3; i++) {
      mood.observe("den", scores("sadness"));
      advance(5);
    }

    expect(mood.force("den", "sadness", "override")).toBeUndefined();
    expect(mood.release("den", "auto")).toBeUndefined();
    expect(mood.current("den").mood).toBe("sadness");
  });

  it("keeps rooms apart", () => {
    const { mood, advance } = tracker();
    for (let i = 0; i < 4; i++) {
      mood.observe("a", scores("joy"));
      advance(3);
    }

    expect(mood.current("a").mood).toBe("joy");
    expect(mood.current("b").mood).toBe("neutral");
  });
});
