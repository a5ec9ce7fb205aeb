import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Logger, silentLogger } from "../../src/logger.js";
import { NodeRedRuntime } from "../../src/nodered/runtime.js";
import { brokerKinds, startBroker, type TestBroker } from "../support/brokers.js";
import { EditorStatus } from "./support/editorStatus.js";
import { MqttPeer, uniqueBase } from "./support/mqttPeer.js";

const SEED = path.resolve(import.meta.dirname, "../../flows/flows.json");
const CLASSIFY_EXAMPLE = path.resolve(import.meta.dirname, "../../examples/Classify text.json");
const SCORES = { anger: 0.02, disgust: 0.01, fear: 0.03, joy: 0.05, neutral: 0.09, sadness: 0.72, surprise: 0.08 };

interface FlowNode {
  id: string;
  type: string;
  env?: { name: string; value: string; type: string }[];
}

/** The default flows with the quiet hours set to `[from, until)`, as a person would set them in the tab's properties. */
function flowsWithQuietHours(from: number, until: number): FlowNode[] {
  const flows = JSON.parse(readFileSync(SEED, "utf8")) as FlowNode[];
  const tab = flows.find((node) => node.type === "tab" && node.id === "mood_scenes_tab");
  if (tab === undefined) {
    throw new Error("the seed flows have no 'Mood scenes' tab");
  }
  tab.env = [
    { name: "QUIET_FROM", value: String(from), type: "num" },
    { name: "QUIET_UNTIL", value: String(until), type: "num" },
  ];

  return flows;
}

// Windows of two hours around the current hour keep the tests right even if the hour turns during a test.
const hour = new Date().getHours();
const QUIET_NOW = { from: hour, until: (hour + 2) % 24 };
const NOT_QUIET_NOW = { from: (hour + 2) % 24, until: hour };

const SADNESS_LIGHTING = { on: true, brightness_pct: 40, color_temp_kelvin: 2700, transition: 5 };

describe.each(brokerKinds())("the default Mood scenes flow through %s", (kind) => {
  let broker: TestBroker;
  let peer: MqttPeer;
  let runtime: NodeRedRuntime | undefined;
  let editor: EditorStatus | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    broker = await startBroker(kind);
    peer = await new MqttPeer(broker.url).connect();
  });

  afterEach(async () => {
    editor?.close();
    await runtime?.stop();
    runtime = undefined;
  });

  afterAll(async () => {
    await peer.close();
    await broker.stop();
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Starts the runtime on the given flows and resolves once the mood node listens. */
  async function startFlows(flows: FlowNode[], base: string): Promise<void> {
    const url = await startRuntime(flows, base, silentLogger());
    editor = await EditorStatus.connect(url);
    await editor.waitFor("room_mood", (status) => status.text === "listening");
  }

  async function startRuntime(flows: FlowNode[], base: string, logger: Logger): Promise<string> {
    const userDir = mkdtempSync(path.join(tmpdir(), "emotion-hub-flows-"));
    dirs.push(userDir);
    mkdirSync(userDir, { recursive: true });
    writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(flows));
    runtime = new NodeRedRuntime({
      host: "127.0.0.1",
      port: 0,
      userDir,
      credentialSecret: "test-secret-0123",
      hub: { mqttUrl: broker.url, baseTopic: base },
      logger,
    });
    const { url } = await runtime.start();

    return url;
  }

  function mood(room: string, name: string) {
    return { room, mood: name, previous: "neutral", confidence: 0.72, since: new Date().toISOString(), scores: SCORES };
  }

  it("turns a sad mood into the warm, calm scene with music outside quiet hours", async () => {
    const base = uniqueBase();
    await startFlows(flowsWithQuietHours(NOT_QUIET_NOW.from, NOT_QUIET_NOW.until), base);
    const request = await peer.expect(`${base}/+/scene/set`);

    await peer.publish(`${base}/living_room/mood`, mood("living_room", "sadness"));

    const { topic, body } = await request.message;
    expect(topic).toBe(`${base}/living_room/scene/set`);
    expect(body).toEqual({
      name: "sadness: warm and calm",
      lighting: SADNESS_LIGHTING,
      music: { media_content_id: "Calm evening", media_content_type: "playlist", volume_level: 0.25 },
      climate: { temperature: 22 },
      transaction: expect.any(String),
    });
  });

  it("holds the music back in quiet hours and still sets light and temperature", async () => {
    const base = uniqueBase();
    await startFlows(flowsWithQuietHours(QUIET_NOW.from, QUIET_NOW.until), base);
    const request = await peer.expect(`${base}/+/scene/set`);

    await peer.publish(`${base}/bedroom/mood`, mood("bedroom", "sadness"));

    const { topic, body } = await request.message;
    expect(topic).toBe(`${base}/bedroom/scene/set`);
    expect(body).toEqual({
      name: "sadness: warm and calm",
      lighting: SADNESS_LIGHTING,
      climate: { temperature: 22 },
      transaction: expect.any(String),
    });
  });

  it("leaves a neutral room alone and gives anger a cooler room", async () => {
    const base = uniqueBase();
    await startFlows(flowsWithQuietHours(NOT_QUIET_NOW.from, NOT_QUIET_NOW.until), base);
    const request = await peer.expect(`${base}/+/scene/set`);

    // Messages from one publisher arrive in order: had neutral asked for a scene, it would come first.
    await peer.publish(`${base}/office/mood`, mood("office", "neutral"));
    await peer.publish(`${base}/office/mood`, mood("office", "anger"));

    const { body } = await request.message;
    expect(body).toMatchObject({ name: "anger: soft, cool and calm", climate: { temperature: 20 } });
  });

  it("shows the hub's outcome on the scene node", async () => {
    const base = uniqueBase();
    await startFlows(flowsWithQuietHours(NOT_QUIET_NOW.from, NOT_QUIET_NOW.until), base);
    await peer.respond(
      `${base}/+/scene/set`,
      (topic) => topic.replace(/\/set$/, ""),
      (scene) => ({ scene: scene.name, status: "ok", at: new Date().toISOString(), transaction: scene.transaction }),
    );

    await peer.publish(`${base}/kitchen/mood`, mood("kitchen", "joy"));

    const status = await editor?.waitFor("scene_joy", (s) => s.fill === "green" && s.shape === "dot");
    expect(status?.text).toBe("kitchen: applied joy: bright and upbeat");
  });

  it("runs the Classify text example without the text reaching any log", async () => {
    const base = uniqueBase();
    const text = "What a lovely surprise, thank you so much!";
    const logged: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        logged.push(chunk.toString());
        callback();
      },
    });
    await peer.respond(
      `${base}/request/classify`,
      () => `${base}/response/classify`,
      (request) => ({
        status: request.text === text ? "ok" : "error",
        data: { scores: { ...SCORES, sadness: 0.05, surprise: 0.8 }, labels: ["surprise"], top: "surprise" },
        transaction: request.transaction,
      }),
    );
    const example = JSON.parse(readFileSync(CLASSIFY_EXAMPLE, "utf8")) as FlowNode[];
    const url = await startRuntime(example, base, pino({ level: "debug" }, sink));
    editor = await EditorStatus.connect(url);
    await editor.waitFor("classify_node", (status) => status.text === "connected");

    const injected = await fetch(new URL("inject/classify_inject", url), { method: "POST" });
    expect(injected.status).toBe(200);

    const status = await editor.waitFor("classify_node", (s) => s.fill === "green" && s.shape === "dot");
    expect(status.text).toBe("surprise: 80%");
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => line.includes("lovely"))).toEqual([]);
  });
});
