import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "emotion-hub-config-")), "config.yaml");
  writeFileSync(path, text);

  return path;
}

describe("loadConfig", () => {
  it("runs on embedded defaults with no file", () => {
    const result = loadConfig({ env: {} });

    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.mqtt.url).toBeUndefined();
      expect(result.config.homeassistant.url).toBeUndefined();
      expect(result.config.nodered.host).toBe("127.0.0.1");
    }
  });

  it("reads the file named by EMOTION_HUB_CONFIG", () => {
    const path = file("rooms:\n  kitchen:\n    area: kitchen\n    siteIds: [sat-kitchen]\n");
    const result = loadConfig({ env: { EMOTION_HUB_CONFIG: path } });

    expect(result.ok && Object.keys(result.config.rooms)).toEqual(["kitchen"]);
  });

  it("lists every problem as <path>: <message>", () => {
    const path = file(
      [
        "mqtt:",
        "  url: http://broker",
        "  colour: blue",
        "rooms:",
        "  status:",
        "    area: hall",
        "  kitchen:",
        "    area: 12",
        "mood:",
        "  threshold: 2",
        "nodered:",
        "  host: 0.0.0.0",
        "extra: true",
      ].join("\n"),
    );
    const result = loadConfig({ file: path, env: {} });

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual(
        expect.arrayContaining([
          "mqtt.url: must start with mqtt://, mqtts://, ws:// or wss://",
          "mqtt.colour: unknown key",
          "extra: unknown key",
          expect.stringMatching(/^rooms\.kitchen\.area: /),
          expect.stringMatching(/^mood\.threshold: /),
        ]),
      );
      for (const problem of result.problems) {
        expect(problem).toMatch(/^[\w.()-]+: \S/);
      }
    }
  });

  it("checks rules that span sections once the shapes are right", () => {
    const path = file(
      [
        "rooms:",
        "  status: { area: hall }",
        "  a: { area: a, siteIds: [one] }",
        "  b: { area: b, siteIds: [one] }",
        "nodered: { host: 0.0.0.0 }",
      ].join("\n"),
    );
    const result = loadConfig({ file: path, env: {} });

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual(
        expect.arrayContaining([
          "rooms.status: 'status' is reserved for the hub's topics",
          "rooms.b.siteIds: site 'one' is already mapped to room 'a'",
          expect.stringMatching(/^nodered\.adminAuth: required when the editor binds to '0\.0\.0\.0'/),
        ]),
      );
    }
  });

  it("requires a token for a real Home Assistant and never puts it in the config", () => {
    const path = file("homeassistant:\n  url: ws://ha.local:8123/api/websocket\n");

    expect(loadConfig({ file: path, env: {} })).toEqual({
      ok: false,
      problems: ["homeassistant.tokenFile: a token is required with homeassistant.url (set HA_TOKEN or tokenFile)"],
    });
    const result = loadConfig({ file: path, env: { HA_TOKEN: "secret-token" } });
    expect(result.ok && result.secrets.homeAssistantToken).toBe("secret-token");
    expect(JSON.stringify(result.ok && result.config)).not.toContain("secret-token");
  });

  it("refuses an empty token or password file as a problem, not a start-up failure", () => {
    const token = file("\n");
    const password = file("  \n");
    const path = file(
      `homeassistant:\n  url: ws://ha.local:8123/api/websocket\n  tokenFile: ${token}\n` +
        `mqtt:\n  url: mqtt://broker.local\n  username: hub\n  passwordFile: ${password}\n`,
    );

    expect(loadConfig({ file: path, env: {} })).toEqual({
      ok: false,
      problems: [`homeassistant.tokenFile: '${token}' is empty`, `mqtt.passwordFile: '${password}' is empty`],
    });
  });

  it("reports YAML syntax errors with the line", () => {
    const result = loadConfig({ file: file("mqtt:\n  url: [unclosed\n"), env: {} });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(/config\.yaml:\d+: /);
  });

  it("reports a missing file", () => {
    const result = loadConfig({ file: "/nonexistent/emotion-hub.yaml", env: {} });

    expect(result).toEqual({
      ok: false,
      problems: ["/nonexistent/emotion-hub.yaml: cannot read the config file (ENOENT)"],
    });
  });
});
