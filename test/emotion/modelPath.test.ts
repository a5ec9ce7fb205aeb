import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot, resolveModelPath, shippedModelPath } from "../../src/emotion/modelPath.js";

describe("model paths", () => {
  it("finds the package root by its package.json", () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string };

    expect(pkg.name).toBe("emotion-hub");
  });

  it("points at the shipped model inside the package", () => {
    expect(shippedModelPath()).toBe(join(packageRoot(), "models", "emotion-cnn"));
    expect(existsSync(join(shippedModelPath(), "model.json"))).toBe(true);
  });

  it("keeps absolute paths and resolves a relative path missing from the cwd against the package root", () => {
    expect(resolveModelPath("/opt/models/mine")).toBe("/opt/models/mine");
    expect(resolveModelPath("no-such-folder/model")).toBe(join(packageRoot(), "no-such-folder", "model"));
  });
});
