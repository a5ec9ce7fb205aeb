import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "../../dist/cli.js");

/** Runs the built CLI (npm test builds first) and collects what it prints and how it exits. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("check-config", () => {
  it("exits 2 and lists every problem, an empty password file included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emotion-hub-check-"));
    const password = join(dir, "mqtt-password");
    writeFileSync(password, "\n");
    const config = join(dir, "bad.yaml");
    writeFileSync(
      config,
      ["mqtt:", "  url: http://broker", "  colour: blue", "mood:", "  threshold: 2", "extra: true"].join("\n"),
    );
    const secretOnly = join(dir, "secret.yaml");
    writeFileSync(secretOnly, `mqtt:\n  url: mqtt://broker.local\n  passwordFile: ${password}\n`);

    const bad = await runCli(["check-config", "--config", config]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trimEnd().split("\n")).toEqual([
      "invalid configuration:",
      "  mqtt.url: must start with mqtt://, mqtts://, ws:// or wss://",
      "  mqtt.colour: unknown key",
      expect.stringMatching(/^ {2}mood\.threshold: \S/),
      "  extra: unknown key",
    ]);

    const empty = await runCli(["check-config", "--config", secretOnly]);
    expect(empty.code).toBe(2);
    expect(empty.stderr.trimEnd().split("\n")).toEqual([
      "invalid configuration:",
      `  mqtt.passwordFile: '${password}' is empty`,
    ]);
  });

  it("exits 0 on a valid file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emotion-hub-check-"));
    const config = join(dir, "good.yaml");
    writeFileSync(config, "rooms:\n  kitchen:\n    area: kitchen\n");
    const good = await runCli(["check-config", "--config", config]);

    expect({ code: good.code, stderr: good.stderr }).toEqual({ code: 0, stderr: "" });
    expect(good.stdout).toBe(`configuration is valid (${config}); rooms: kitchen\n`);
  });
});
