import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";

describe("config/emotion-hub.example.yaml", () => {
  it("is valid as shipped (with a token in the environment)", () => {
    const result = loadConfig({ file: "config/emotion-hub.example.yaml", env: { HA_TOKEN: "t" } });

    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && Object.keys(result.config.rooms)).toEqual(["living_room", "kitchen"]);
  });
});
