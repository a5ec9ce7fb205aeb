import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Classifier } from "../../src/emotion/classifier.js";
import { deviceCommands, loadShippedModel } from "./modelFixture.js";

/** The target: at most one plain device command in ten may come out as anything but neutral. */
const MAX_NON_NEUTRAL_SHARE = 0.1;

describe("plain device commands", () => {
  let classifier: Classifier;

  beforeAll(async () => {
    classifier = await loadShippedModel();
  });

  afterAll(async () => {
    await classifier.close();
  });

  it("holds at least 50 hand-written commands", () => {
    expect(new Set(deviceCommands()).size).toBeGreaterThanOrEqual(50);
  });

  it("come out neutral for at least nine in ten", async () => {
    const commands = deviceCommands();
    const results = await classifier.classify(commands);
    const nonNeutral = commands.filter((_, i) => {
      const result = results[i];
      return result === undefined || result.top !== "neutral" || result.labels.some((label) => label !== "neutral");
    });

    expect(nonNeutral.length, `non-neutral: ${nonNeutral.join(" | ")}`).toBeLessThanOrEqual(
      Math.floor(commands.length * MAX_NON_NEUTRAL_SHARE),
    );
  });
});
