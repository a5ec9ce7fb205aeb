import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

interface PackedFile {
  path: string;
}

/** What `npm publish` would put in the package, read from npm itself. */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [pack] = JSON.parse(out) as { files: PackedFile[] }[];

  return (pack?.files ?? []).map((file) => file.path);
}

describe("the published package", () => {
  const files = packedFiles();

  it("ships the emotion model the hub loads by default", () => {
    for (const name of ["model.onnx", "model.json", "vocab.txt", "MODEL_CARD.md"]) {
      expect(files).toContain(`models/emotion-cnn/${name}`);
    }
  });

  it("ships the CLI, the Node-RED nodes, the seed flows and the examples", () => {
    expect(files).toContain("dist/cli.js");
    expect(files).toContain("src/nodered/nodes/emotion-hub-mood.js");
    expect(files).toContain("flows/flows.json");
    expect(files).toContain("examples/Mood scenes.json");
  });

  it("leaves the training pipeline and its cache out", () => {
    expect(files.filter((path) => path.startsWith("models/train"))).toEqual([]);
  });
});
