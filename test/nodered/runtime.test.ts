import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import bcrypt from "bcryptjs";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { isLoopback, NodeRedRuntime, type NodeRedRuntimeOptions } from "../../src/nodered/runtime.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SEED = path.join(ROOT, "flows/flows.json");

/** The package.json "node-red" section that ships the nodes (the same map the package itself declares). */
const NODE_RED_SECTION = {
  version: ">=4.0.0",
  nodes: Object.fromEntries(
    ["config", "mood", "emotion", "scene", "classify"].map((name) => [
      `emotion-hub-${name}`,
      `src/nodered/nodes/emotion-hub-${name}.js`,
    ]),
  ),
};
const dirs: string[] = [];
let running: NodeRedRuntime | undefined;

function userDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "emotion-hub-nodered-"));
  dirs.push(dir);

  return dir;
}

async function start(options: Partial<NodeRedRuntimeOptions> & { userDir: string }): Promise<string> {
  running = new NodeRedRuntime({
    host: "127.0.0.1",
    port: 0,
    credentialSecret: "test-secret-0123",
    // Nothing listens here: these tests do not use the hub's nodes' connection.
    hub: { mqttUrl: "mqtt://127.0.0.1:9", baseTopic: "unused" },
    logger: silentLogger(),
    ...options,
  });
  const { url } = await running.start();

  return url;
}

async function getFlows(url: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", "Node-RED-API-Version": "v2" };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }

  return fetch(new URL("flows", url), { headers });
}

async function flowIds(url: string): Promise<string[]> {
  const body = (await (await getFlows(url)).json()) as { flows: { id: string }[] };

  return body.flows.map((node) => node.id);
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

afterAll(() => {
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("NodeRedRuntime", () => {
  it("seeds the data folder from flows/ on the first start", async () => {
    const dir = userDir();

    const url = await start({ userDir: dir });

    expect(readFileSync(path.join(dir, "flows.json"), "utf8")).toBe(readFileSync(SEED, "utf8"));
    expect(await flowIds(url)).toContain("mood_scenes_tab");
  });

  it("never overwrites flows a person saved", async () => {
    const dir = userDir();
    const mine = JSON.stringify([{ id: "my_tab", type: "tab", label: "Mine", disabled: false, info: "" }]);
    writeFileSync(path.join(dir, "flows.json"), mine);

    const url = await start({ userDir: dir });

    expect(readFileSync(path.join(dir, "flows.json"), "utf8")).toBe(mine);
    expect(await flowIds(url)).toEqual(["my_tab"]);
  });

  it("keeps a flow deployed through the admin API, with its credentials, across a restart", async () => {
    const dir = userDir();
    const url = await start({ userDir: dir });
    const flows = [
      { id: "deployed_tab", type: "tab", label: "Deployed", disabled: false, info: "" },
      { id: "deployed_hub", type: "emotion-hub-config", name: "remote", broker: "mqtt://127.0.0.1:9", baseTopic: "" },
      {
        id: "deployed_mood",
        type: "emotion-hub-mood",
        z: "deployed_tab",
        hub: "deployed_hub",
        room: "den",
        x: 100,
        y: 100,
        wires: [[]],
      },
    ];
    const credentials = { deployed_hub: { username: "nodered", password: "broker-pass" } };
    const deploy = await fetch(new URL("flows", url), {
      method: "POST",
      headers: { "content-type": "application/json", "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify({
        flows: flows.map((node) => ({ ...node, credentials: credentials[node.id as "deployed_hub"] })),
      }),
    });
    expect(deploy.status).toBe(200);
    await running?.stop();

    const restarted = await start({ userDir: dir });

    expect(await flowIds(restarted)).toEqual(["deployed_tab", "deployed_hub", "deployed_mood"]);
    const stored = await fetch(new URL("credentials/emotion-hub-config/deployed_hub", restarted));
    expect(await stored.json()).toEqual({ username: "nodered", has_password: true });
    expect(readFileSync(path.join(dir, "flows_cred.json"), "utf8")).not.toContain("broker-pass");
  });

  it("refuses to bind beyond localhost without editor credentials, and says what to set", async () => {
    const runtime = new NodeRedRuntime({
      host: "0.0.0.0",
      port: 0,
      userDir: userDir(),
      hub: { mqttUrl: "mqtt://127.0.0.1:9", baseTopic: "unused" },
      logger: silentLogger(),
    });

    await expect(runtime.start()).rejects.toThrow(/refused to start Node-RED on '0.0.0.0'.*nodered\.adminAuth/);
  });

  it("runs one Node-RED per process at a time", async () => {
    await start({ userDir: userDir() });
    const second = new NodeRedRuntime({
      host: "127.0.0.1",
      port: 0,
      userDir: userDir(),
      hub: { mqttUrl: "mqtt://127.0.0.1:9", baseTopic: "unused" },
      logger: silentLogger(),
    });

    await expect(second.start()).rejects.toThrow(/already running/);
    await second.stop();
    await expect(second.start()).rejects.toThrow(/already running/);
  });

  it("requires a log-in for the admin API when adminAuth is set", async () => {
    const password = await bcrypt.hash("correct horse", 8);
    const url = await start({ userDir: userDir(), adminAuth: { users: [{ username: "admin", password }] } });

    expect((await getFlows(url)).status).toBe(401);
    const login = await fetch(new URL("auth/token", url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: "node-red-admin",
        grant_type: "password",
        scope: "*",
        username: "admin",
        password: "correct horse",
      }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    expect((await getFlows(url, token)).status).toBe(200);
  });

  it("logs flow nodes' warnings and errors by node and reason, never their text", async () => {
    const dir = userDir();
    writeFileSync(path.join(dir, "flows.json"), JSON.stringify(chattyFlow()));
    const log = capturedLog();

    await start({ userDir: dir, logger: log.logger });
    await log.waitFor((line) => line.level === 20 && line.msg.includes("logged a message"));

    expect(log.lines.find((line) => line.level === 40 && line.nodeId === "chatty_function")).toMatchObject({
      node: "function",
      nodeName: "chatty",
      msg: "function node 'chatty' warned (text withheld: it can carry what people said)",
    });
    expect(log.lines.find((line) => line.level === 50 && line.nodeId === "chatty_function")?.msg).toBe(
      "function node 'chatty' reported an error (text withheld: it can carry what people said)",
    );
    for (const secret of SECRETS) {
      expect(log.raw.filter((line) => line.includes(secret))).toEqual([]);
    }
    expect(log.lines.some((line) => line.level === 30 && line.msg === "Started flows")).toBe(true);
  });

  it("writes flow nodes' text at debug only when logFlowMessages is on", async () => {
    const dir = userDir();
    writeFileSync(path.join(dir, "flows.json"), JSON.stringify(chattyFlow()));
    const log = capturedLog();

    await start({ userDir: dir, logger: log.logger, logFlowMessages: true });
    await log.waitFor((line) => line.msg === SECRETS[2]);

    const withText = log.lines.filter((line) => SECRETS.some((secret) => line.msg.includes(secret)));
    expect(withText.map((line) => [line.level, line.msg])).toEqual(SECRETS.map((secret) => [20, secret]));
    expect(log.lines.find((line) => line.level === 40 && line.nodeId === "chatty_function")?.msg).toMatch(/withheld/);
  });
});

/** What a person's function node might pass on after a classify node: things that were said. */
const SECRETS = ["my pin is 4921 and i feel awful", "sk-secret-token-8f3a2c", "words a person said"];

/** A function node that warns, errs and logs the SECRETS once the flows start. */
function chattyFlow(): object[] {
  const [warned, errored, logged] = SECRETS.map((secret) => JSON.stringify(secret));

  return [
    { id: "log_tab", type: "tab", label: "Log", disabled: false, info: "" },
    {
      id: "log_inject",
      type: "inject",
      z: "log_tab",
      once: true,
      onceDelay: 0.1,
      props: [{ p: "payload" }],
      payload: "",
      payloadType: "date",
      wires: [["chatty_function"]],
    },
    {
      id: "chatty_function",
      type: "function",
      z: "log_tab",
      name: "chatty",
      func: `node.warn(${warned}); node.error(${errored}); node.log(${logged}); return null;`,
      outputs: 1,
      wires: [[]],
    },
  ];
}

interface LogLine {
  level: number;
  msg: string;
  node?: string;
  nodeId?: string;
  nodeName?: string;
}

/** A pino logger at debug that keeps every line, parsed and raw, and lets a test await a line. */
function capturedLog() {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const waiters: { matches: (line: LogLine) => boolean; resolve: () => void }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      const line = JSON.parse(chunk.toString()) as LogLine;
      raw.push(chunk.toString());
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.matches(line))) {
        waiter.resolve();
      }
      callback();
    },
  });

  return {
    logger: pino({ level: "debug" }, sink),
    lines,
    raw,
    waitFor(matches: (line: LogLine) => boolean): Promise<void> {
      return new Promise((resolve) => {
        if (lines.some(matches)) {
          resolve();
          return;
        }
        waiters.push({ matches, resolve });
      });
    },
  };
}

describe("the nodes as an installed package", () => {
  it("load through the node-red section of package.json, with the examples under Import > Examples", async () => {
    const pkg = userDir();
    writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify({ name: "emotion-hub", version: "0.0.0-test", "node-red": NODE_RED_SECTION }),
    );
    symlinkSync(path.join(ROOT, "src"), path.join(pkg, "src"));
    symlinkSync(path.join(ROOT, "examples"), path.join(pkg, "examples"));

    const url = await start({ userDir: userDir(), nodesDir: pkg });

    const nodes = (await (await fetch(new URL("nodes", url), { headers: { accept: "application/json" } })).json()) as {
      module: string;
      types: string[];
      enabled: boolean;
      err?: string;
    }[];
    const ours = nodes.filter((set) => set.module === "emotion-hub");
    expect(ours.flatMap((set) => set.types).sort()).toEqual(Object.keys(NODE_RED_SECTION.nodes).sort());
    expect(ours.every((set) => set.enabled && set.err === undefined)).toBe(true);
    const example = await fetch(new URL("library/examples/flows/emotion-hub/Mood scenes", url));
    expect(await example.json()).toEqual(
      JSON.parse(readFileSync(path.join(ROOT, "examples/Mood scenes.json"), "utf8")),
    );
  });
});

describe("the examples", () => {
  it("include the default flow exactly as it is seeded", () => {
    expect(readFileSync(path.join(ROOT, "examples/Mood scenes.json"), "utf8")).toBe(readFileSync(SEED, "utf8"));
  });
});

describe("isLoopback", () => {
  it("accepts only addresses of this machine", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.5", "homeassistant.local"].some(isLoopback)).toBe(false);
  });
});
