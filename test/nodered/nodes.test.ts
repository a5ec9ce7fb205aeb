import { createRequire } from "node:module";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { brokerKinds, startBroker, type TestBroker } from "../support/brokers.js";
import { MqttPeer, uniqueBase } from "./support/mqttPeer.js";
import { type NodeStatus, StatusRecorder } from "./support/statusRecorder.js";
import { emotionHubNodes, nodeRedTestHelper } from "./support/testHelper.js";

const require = createRequire(import.meta.url);

const helper = nodeRedTestHelper();
const nodes = [
  ...emotionHubNodes("config", "mood", "emotion", "scene", "classify"),
  require("@node-red/nodes/core/common/25-catch.js"),
];

const SCORES = { anger: 0.02, disgust: 0.01, fear: 0.03, joy: 0.05, neutral: 0.09, sadness: 0.72, surprise: 0.08 };

describe.each(brokerKinds())("emotion-hub nodes through %s", (kind) => {
  let broker: TestBroker;
  let peer: MqttPeer;
  let statuses: StatusRecorder;
  let base: string;

  beforeAll(async () => {
    broker = await startBroker(kind);
    peer = await new MqttPeer(broker.url).connect();
    await helper.startServer();
  });

  afterAll(async () => {
    await helper.stopServer();
    await peer.close();
    await broker.stop();
  });

  beforeEach(() => {
    base = uniqueBase();
    statuses = new StatusRecorder(helper._events);
  });

  afterEach(async () => {
    statuses.close();
    await helper.unload();
  });

  async function load(...flowNodes: object[]): Promise<void> {
    const tab = { id: "tab", type: "tab", label: "test" };
    const hub = { id: "hub", type: "emotion-hub-config", broker: broker.url, baseTopic: base };
    const inTab = flowNodes.map((node) => ({ z: "tab", x: 100, y: 100, ...node }));
    await helper.load(nodes, [tab, hub, ...inTab.map((node) => (isOurs(node) ? { hub: "hub", ...node } : node))]);
  }

  function isOurs(node: object): boolean {
    return (node as { type: string }).type.startsWith("emotion-hub-");
  }

  function nextOutput(id: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => helper.getNode(id).on("input", resolve));
  }

  const listening = (status: NodeStatus) => status.text?.startsWith("listening") === true;

  it("mood node emits a room's mood change and ignores retained replays", async () => {
    const retainedMood = {
      room: "hall",
      mood: "joy",
      previous: "neutral",
      confidence: 0.6,
      since: "x",
      scores: SCORES,
    };
    await peer.publish(`${base}/hall/mood`, retainedMood, true);
    await load({ id: "mood", type: "emotion-hub-mood", room: "", wires: [["out"]] }, { id: "out", type: "helper" });
    const output = nextOutput("out");
    await statuses.waitFor("mood", listening);

    const mood = {
      room: "living_room",
      mood: "sadness",
      previous: "neutral",
      confidence: 0.72,
      since: "2026-01-01T20:00:00Z",
      scores: SCORES,
    };
    await peer.publish(`${base}/living_room/mood`, { ...mood, reason: "classified" });

    const msg = await output;
    expect(msg.topic).toBe("living_room");
    expect(msg.payload).toEqual(mood);
    expect(await statuses.waitFor("mood", (s) => s.fill === "green" && s.shape === "dot")).toMatchObject({
      text: "living_room: sadness 72%",
    });
  });

  it("mood node with a room hears only that room", async () => {
    await load(
      { id: "mood", type: "emotion-hub-mood", room: "kitchen", wires: [["out"]] },
      { id: "out", type: "helper" },
    );
    const output = nextOutput("out");
    await statuses.waitFor("mood", listening);

    await peer.publish(`${base}/hall/mood`, {
      room: "hall",
      mood: "anger",
      previous: "neutral",
      confidence: 0.9,
      scores: SCORES,
    });
    await peer.publish(`${base}/kitchen/mood`, {
      room: "kitchen",
      mood: "joy",
      previous: "neutral",
      confidence: 0.8,
      scores: SCORES,
    });

    expect((await output).payload).toMatchObject({ room: "kitchen", mood: "joy" });
  });

  it("mood node shows a lost connection and carries on after the broker restarts", async () => {
    await load(
      { id: "mood", type: "emotion-hub-mood", room: "porch", wires: [["out"]] },
      { id: "out", type: "helper" },
    );
    await statuses.waitFor("mood", listening);

    await broker.restart();
    await statuses.waitFor("mood", (s) => s.text === "disconnected");
    statuses.clear();
    // MQTT.js writes its resubscription before it emits "connect", so the broker has it before this publish.
    await statuses.waitFor("mood", (s) => s.text === "listening: porch");
    await peer.waitConnected();
    const output = nextOutput("out");
    await peer.publish(`${base}/porch/mood`, {
      room: "porch",
      mood: "fear",
      previous: "neutral",
      confidence: 0.7,
      scores: SCORES,
    });

    expect((await output).payload).toMatchObject({ room: "porch", mood: "fear" });
  });

  it("emotion node emits every classified utterance, and never its text", async () => {
    await load(
      { id: "emotion", type: "emotion-hub-emotion", room: "", wires: [["out"]] },
      { id: "out", type: "helper" },
    );
    const output = nextOutput("out");
    await statuses.waitFor("emotion", listening);

    const event = {
      room: "office",
      top: "sadness",
      confidence: 0.72,
      scores: SCORES,
      at: "2026-01-01T20:00:00Z",
      source: "own",
    };
    // The hub never publishes the text; were another publisher to add it, the node must not pass it on.
    await peer.publish(`${base}/office/emotion`, { ...event, text: "i feel so alone tonight" });

    const msg = await output;
    expect(msg.topic).toBe("office");
    expect(msg.payload).toEqual(event);
    expect(msg.payload).not.toHaveProperty("text");
    expect(JSON.stringify(msg)).not.toContain("alone tonight");
  });

  it("scene node publishes the form's scene with a transaction and reports the applied outcome", async () => {
    await load(
      {
        id: "scene",
        type: "emotion-hub-scene",
        name: "calm",
        room: "",
        lightingMode: "on",
        brightness: "40",
        colorMode: "temp",
        colorTemp: "2700",
        transition: "5",
        musicMode: "play",
        mediaId: "Calm evening",
        mediaType: "playlist",
        volume: "25",
        climateMode: "set",
        temperature: "22",
        wires: [["out"]],
      },
      { id: "out", type: "helper" },
    );
    const request = await peer.expect<Record<string, unknown>>(`${base}/+/scene/set`);
    const output = nextOutput("out");

    helper.getNode("scene").receive({ topic: "living_room", payload: { room: "living_room", mood: "sadness" } });
    const { topic, body } = await request.message;
    expect(topic).toBe(`${base}/living_room/scene/set`);
    expect(body).toEqual({
      name: "calm",
      lighting: { on: true, brightness_pct: 40, color_temp_kelvin: 2700, transition: 5 },
      music: { media_content_id: "Calm evening", media_content_type: "playlist", volume_level: 0.25 },
      climate: { temperature: 22 },
      transaction: expect.any(String),
    });
    await peer.publish(`${base}/living_room/scene`, {
      scene: "other",
      status: "ok",
      at: "t",
      transaction: "someone-else",
    });
    await peer.publish(`${base}/living_room/scene`, {
      scene: "calm",
      status: "ok",
      at: "t",
      transaction: body.transaction,
    });

    const msg = await output;
    expect(msg.payload).toMatchObject({ scene: "calm", status: "ok", transaction: body.transaction });
    expect(msg.scene).toMatchObject({ name: "calm", climate: { temperature: 22 } });
    expect(await statuses.waitFor("scene", (s) => s.fill === "green" && s.shape === "dot")).toMatchObject({
      text: "living_room: applied calm",
    });
  });

  it("scene node applies msg.payload overrides, drops a part set to null, and shows a failure", async () => {
    await load(
      {
        id: "scene",
        type: "emotion-hub-scene",
        room: "bedroom",
        lightingMode: "on",
        brightness: "40",
        colorMode: "rgb",
        rgb: "#ff8000",
        musicMode: "play",
        mediaId: "Calm evening",
        volume: "20",
        wires: [["out"]],
      },
      { id: "out", type: "helper" },
    );
    const request = await peer.expect<Record<string, unknown>>(`${base}/bedroom/scene/set`);
    const output = nextOutput("out");

    helper
      .getNode("scene")
      .receive({ payload: { lighting: { brightness_pct: 10 }, music: null, haScene: "scene.night" } });
    const { body } = await request.message;
    expect(body).toEqual({
      lighting: { on: true, brightness_pct: 10, rgb_color: [255, 128, 0] },
      haScene: "scene.night",
      transaction: expect.any(String),
    });
    const error = { code: "not_found", message: "Unable to find referenced entities scene.night" };
    await peer.publish(`${base}/bedroom/scene`, {
      scene: "custom",
      status: "error",
      error,
      at: "t",
      transaction: body.transaction,
    });

    expect((await output).payload).toMatchObject({ status: "error", error });
    expect(await statuses.waitFor("scene", (s) => s.fill === "red")).toMatchObject({
      text: "bedroom: Unable to find referenced entities scene.night",
    });
  });

  it("scene node reports a timeout when the hub does not answer", async () => {
    await load(
      { id: "scene", type: "emotion-hub-scene", room: "attic", lightingMode: "off", timeout: 0.2, wires: [["out"]] },
      { id: "out", type: "helper" },
    );
    const output = nextOutput("out");

    helper.getNode("scene").receive({ payload: {} });

    expect((await output).payload).toMatchObject({ status: "error", error: { code: "timeout" } });
  });

  it("scene node with no room raises an error for Catch nodes and publishes nothing", async () => {
    await load(
      { id: "scene", type: "emotion-hub-scene", room: "", lightingMode: "off", wires: [[]] },
      { id: "catch", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
      { id: "caught", type: "helper" },
    );
    const published = await peer.expect(`${base}/#`);
    const caught = nextOutput("caught");

    helper.getNode("scene").receive({ payload: { lighting: { on: false } } });
    expect((await caught).error).toMatchObject({ message: expect.stringMatching(/no room for the scene/) });
    // Published after the failed request: if the node had published, its message would have arrived first.
    await peer.publish(`${base}/marker`, { marker: true });

    expect((await published.message).body).toEqual({ marker: true });
  });

  it("classify node sends text and returns the hub's scores for its own transaction", async () => {
    const received: Record<string, unknown>[] = [];
    await peer.respond(
      `${base}/request/classify`,
      () => `${base}/response/classify`,
      (request) => {
        received.push(request);
        return {
          status: "ok",
          data: { scores: SCORES, labels: ["sadness"], top: "sadness" },
          transaction: request.transaction,
        };
      },
    );
    await load({ id: "classify", type: "emotion-hub-classify", wires: [["out"]] }, { id: "out", type: "helper" });
    const output = nextOutput("out");

    helper.getNode("classify").receive({ payload: "I miss her so much", topic: "kept" });

    const msg = await output;
    expect(msg.payload).toEqual({ scores: SCORES, labels: ["sadness"], top: "sadness" });
    expect(msg.topic).toBe("kept");
    expect(received).toEqual([{ text: "I miss her so much", transaction: expect.any(String) }]);
    expect(await statuses.waitFor("classify", (s) => s.fill === "green" && s.shape === "dot")).toMatchObject({
      text: "sadness: 72%",
    });
  });

  it("classify node turns an error reply into an error and a red status", async () => {
    await peer.respond(
      `${base}/request/classify`,
      () => `${base}/response/classify`,
      (request) => ({ status: "error", data: {}, error: "text too long", transaction: request.transaction }),
    );
    await load({ id: "classify", type: "emotion-hub-classify", wires: [["out"]] });

    helper.getNode("classify").receive({ payload: "words" });

    expect(await statuses.waitFor("classify", (s) => s.fill === "red")).toMatchObject({
      text: "failed to classify (text too long)",
    });
  });
});
