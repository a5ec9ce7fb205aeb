import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "../../dist/cli.js");

describe("start", () => {
  it("shuts down cleanly on SIGTERM while still starting", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emotion-hub-start-"));
    const config = join(dir, "config.yaml");
    // Nothing listens on port 1, so start-up waits for the broker until the signal comes.
    writeFileSync(
      config,
      [
        "mqtt: { url: 'mqtt://127.0.0.1:1' }",
        "homeassistant: { simulated: { port: 0 } }",
        `nodered: { enabled: false, userDir: '${join(dir, "data")}' }`,
        "http: { port: 0 }",
      ].join("\n"),
    );
    const child = spawn(process.execPath, [CLI, "start", "--config", config], { stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    let stderr = "";
    const waiting = new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("MQTT client error")) {
          resolve();
        }
      });
    });
    await Promise.race([waiting, exited]);
    child.kill("SIGTERM");

    expect(await exited).toEqual({ code: 0, signal: null });
    const messages = stderr
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain("received SIGTERM, shutting down");
    expect(messages.at(-1)).toBe("emotion-hub stopped");
    expect(messages.filter((m) => m.startsWith("failed"))).toEqual([]);
  });
});
