import { afterEach, describe, expect, it, vi } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { Hub } from "../../src/hub.js";
import { silentLogger } from "../../src/logger.js";
import { brokerKinds, startBroker, suiteBroker } from "../support/brokers.js";
import { type HubFixture, SAD_SENTENCES, startHub } from "../support/hubFixture.js";
import { Probe } from "../support/probe.js";

async function metric(fixture: HubFixture, name: string): Promise<number> {
  const text = await (await fetch(`${fixture.httpUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(name));

  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

describe.each(brokerKinds())("the hub through %s", (kind) => {
  const broker = suiteBroker(kind);
  let fixture: HubFixture;

  afterEach(async () => {
    await fixture?.stop();
  });

  it("leaves a retained model error behind when the model fails to load, and stops", async () => {
    const base = `eh-test-model-error-${process.pid}-${kind}`;
    const config = configSchema.parse({
      mqtt: { url: broker.url, baseTopic: base },
      homeassistant: { simulated: { host: "127.0.0.1", port: 0 } },
      rooms: { living_room: { area: "living_room" } },
      classifier: { path: "/nonexistent/model" },
      nodered: { enabled: false },
      http: { port: 0 },
      discovery: { enabled: false },
    });
    const hub = new Hub({ config, secrets: {}, logger: silentLogger() });

    await expect(hub.start()).rejects.toThrow("/nonexistent/model");
    await hub.stop();
    const probe = await Probe.connect(broker.url, [`${base}/hub/state`]);
    const state = await probe.waitFor(`${base}/hub/state`, (m) => m.retained);
    await probe.close();

    expect(state.json()).toMatchObject({ model: "error" });
  });

  it("announces itself online and reports healthy", async () => {
    fixture = await startHub(broker.url);
    const status = await fixture.probe.waitFor(`${fixture.base}/status`, (m) => m.text === "online");
    expect(status.text).toBe("online");
    await fixture.hub.homeAssistant?.waitConnected();
    const health = await (await fetch(`${fixture.httpUrl}/healthz`)).json();

    expect(health).toEqual({ ok: true, mqtt: true, homeassistant: true, model: "ready" });
  });

  it("turns a transcript into an emotion event without the text", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await probe.publish(`${base}/living_room/transcript`, JSON.stringify({ text: "i am so happy, we won!", id: "u1" }));
    const event = (await probe.waitFor(`${base}/living_room/emotion`)).json();

    expect(event).toMatchObject({ room: "living_room", top: "joy", source: "own", id: "u1" });
    expect(Object.keys(event.scores as object).sort()).toEqual([
      "anger",
      "disgust",
      "fear",
      "joy",
      "neutral",
      "sadness",
      "surprise",
    ]);
    expect(JSON.stringify(event)).not.toContain("happy");
  });

  it("maps a Hermes siteId to its room", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    const hermes = { text: "turn on the kitchen lights", likelihood: 1, seconds: 1, siteId: "satellite-kitchen" };
    await probe.publish("hermes/asr/textCaptured", JSON.stringify({ ...hermes, sessionId: `${base}-s1` }));
    const event = await probe.waitFor(`${base}/kitchen/emotion`, (m) => m.json().id === `${base}-s1`);

    expect(event.json()).toMatchObject({ room: "kitchen", source: "hermes", top: "neutral" });
  });

  it("turns a sustained feeling into a retained mood", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    for (const sentence of SAD_SENTENCES) {
      await probe.publish(`${base}/living_room/transcript`, sentence);
    }
    const mood = (await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness")).json();
    expect(mood).toMatchObject({ room: "living_room", mood: "sadness", previous: "neutral" });
    expect(mood.confidence).toBeGreaterThan(0.4);

    const late = await (await import("../support/probe.js")).Probe.connect(broker.url, [`${base}/living_room/mood`]);
    const retained = await late.waitFor(`${base}/living_room/mood`);
    await late.close();
    expect(retained.retained).toBe(true);
    expect(retained.json().mood).toBe("sadness");
  });

  it("returns a quiet room to neutral once the clock passes mood.decayAfter", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    for (const [index, sentence] of SAD_SENTENCES.entries()) {
      await probe.publish(`${base}/living_room/transcript`, JSON.stringify({ text: sentence, id: `d${index}` }));
    }
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness");
    // Every utterance heard before the clock moves, so none counts as said after the jump.
    for (const index of SAD_SENTENCES.keys()) {
      await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === `d${index}`);
    }
    // Only `Date` is faked, after the hub started: the mood's clock must look it up on each call to follow.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now(), shouldAdvanceTime: true });
    try {
      vi.setSystemTime(Date.now() + 601_000);
      const decayed = await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().reason === "decay");

      expect(decayed.json()).toMatchObject({ room: "living_room", mood: "neutral", previous: "sadness" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("applies a requested scene through Home Assistant with the right calls and area", async () => {
    fixture = await startHub(broker.url);
    const { base, probe, home } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    const scene = {
      name: "comfort",
      transaction: "t-1",
      lighting: { on: true, brightness_pct: 40, color_temp_kelvin: 2700, transition: 3 },
      music: { media_content_id: "calm-playlist", media_content_type: "playlist", volume_level: 0.2 },
      climate: { temperature: 22 },
    };
    await probe.publish(`${base}/living_room/scene/set`, scene);
    const outcome = (await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === "t-1")).json();
    expect(outcome).toMatchObject({ scene: "comfort", status: "ok", transaction: "t-1" });

    const calls = home.calls.filter((call) => call.domain !== "logbook");
    // One call per part, in the scene's order (the volume before the music starts), applied one after another.
    expect(calls.map((c) => `${c.domain}.${c.service}`)).toEqual([
      "light.turn_on",
      "media_player.volume_set",
      "media_player.play_media",
      "climate.set_temperature",
    ]);
    for (const call of calls) {
      expect(call.target).toEqual({ area_id: "living_room" });
    }
    const light = calls.find((c) => c.domain === "light");
    expect(light?.service_data).toMatchObject({ brightness_pct: 40, color_temp_kelvin: 2700, transition: 3 });
    expect(home.states("light.living_room_light")?.state).toBe("on");
    expect(home.states("climate.living_room_thermostat")?.attributes.temperature).toBe(22);
    const logbook = home.calls.find((c) => c.domain === "logbook");
    expect(logbook?.service_data.message).toMatch(/→ scene comfort/);
  });

  it("reports Home Assistant's error code on the scene topic, and a scene that fails validation", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.publish(`${base}/living_room/scene/set`, { climate: { temperature: 6 }, transaction: "t-2" });
    const refused = (await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === "t-2")).json();
    expect(refused).toMatchObject({
      status: "error",
      error: { code: "service_validation_error", message: expect.stringMatching(/temperature 6 is not valid/) },
    });

    await probe.publish(`${base}/living_room/scene/set`, { climate: { temperature: 120 }, transaction: "t-3" });
    const invalid = (await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === "t-3")).json();
    expect(invalid).toMatchObject({
      status: "error",
      error: { code: "invalid_scene", message: expect.stringMatching(/^climate\.temperature: /) },
    });
  });

  it("survives every kind of bad payload, counts it, and handles the next message", async () => {
    fixture = await startHub(broker.url, { transcripts: { maxLength: 2000 } });
    const { base, probe } = fixture;
    const bad: (string | Buffer)[] = [
      "",
      "{not json",
      JSON.stringify({ text: 42 }),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      "x".repeat(2001),
    ];
    for (const payload of bad) {
      await probe.publish(`${base}/living_room/transcript`, payload);
    }
    await probe.publish(`${base}/garage/transcript`, "hello");
    await probe.publish(`${base}/living_room/scene/set`, "{broken");
    await probe.publish(
      `${base}/living_room/transcript`,
      JSON.stringify({ text: "what a wonderful surprise", id: "ok" }),
    );
    await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === "ok");

    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="empty"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="invalid_json"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="wrong_type"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="not_utf8"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="too_long"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="unknown_room"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_scene_requests_total{outcome="invalid"}')).toBe(1);
    expect(await metric(fixture, 'emotion_hub_transcripts_received_total{source="own"}')).toBe(1);
  });

  it("ignores a retained transcript, which the broker would hand over again on every subscribe", async () => {
    const topic = `eh-retained-${process.pid}-${kind}/said`;
    const earlier = await Probe.connect(broker.url, []);
    await earlier.publish(topic, "i am furious about all of this", true);
    try {
      fixture = await startHub(broker.url, { transcripts: { custom: [{ name: "said", topic, room: "kitchen" }] } });
      const { base, probe } = fixture;
      await probe.publish(`${base}/kitchen/transcript`, JSON.stringify({ text: "what a lovely dinner", id: "live" }));
      await probe.waitFor(`${base}/kitchen/emotion`, (m) => m.json().id === "live");

      expect(probe.seen.filter((m) => m.topic === `${base}/kitchen/emotion`)).toHaveLength(1);
      expect(await metric(fixture, 'emotion_hub_transcripts_rejected_total{reason="retained"}')).toBe(1);
      expect(await metric(fixture, 'emotion_hub_transcripts_received_total{source="said"}')).toBe(0);
    } finally {
      await earlier.publish(topic, "", true);
      await earlier.close();
    }
  });

  it("fails a call cleanly when Home Assistant drops mid-call, and applies the next scene after reconnecting", async () => {
    fixture = await startHub(broker.url);
    const { base, probe, home, hub } = fixture;
    await hub.homeAssistant?.waitConnected();
    const held = home.holdNextCall();
    await probe.publish(`${base}/kitchen/scene/set`, { lighting: { on: false }, transaction: "drop" });
    await held.received;
    const reconnected = new Promise<void>((resolve) => hub.homeAssistant?.once("connected", () => resolve()));
    home.dropConnections();
    const failed = (await probe.waitFor(`${base}/kitchen/scene`, (m) => m.json().transaction === "drop")).json();
    expect(failed).toMatchObject({ status: "error", error: { code: "connection_lost" } });

    await reconnected;
    await probe.publish(`${base}/kitchen/scene/set`, {
      lighting: { on: true, brightness_pct: 70 },
      transaction: "after",
    });
    const applied = (await probe.waitFor(`${base}/kitchen/scene`, (m) => m.json().transaction === "after")).json();
    expect(applied.status).toBe("ok");
    expect(home.states("light.kitchen_light")?.state).toBe("on");
  });

  it("reports the broker connection as lost while the broker is down, and regained after", async () => {
    const own = await startBroker(kind);
    try {
      fixture = await startHub(own.url);
      const mqtt = fixture.hub.mqttConnection;
      expect(await metric(fixture, "emotion_hub_mqtt_connected")).toBe(1);
      const lost = new Promise<void>((resolve) => mqtt?.onDisconnect(resolve));
      await own.stop();
      await lost;
      expect(await metric(fixture, "emotion_hub_mqtt_connected")).toBe(0);

      const regained = new Promise<void>((resolve) => mqtt?.onConnect(resolve));
      await own.restart();
      await regained;
      expect(await metric(fixture, "emotion_hub_mqtt_connected")).toBe(1);
    } finally {
      await fixture?.stop();
      await own.stop();
    }
  });

  it("stops promptly while the broker is unreachable", async () => {
    const own = await startBroker(kind);
    try {
      fixture = await startHub(own.url);
      const lost = new Promise<void>((resolve) => fixture.hub.mqttConnection?.onDisconnect(resolve));
      await own.stop();
      await lost;
      const started = performance.now();
      await fixture.hub.stop();

      expect(performance.now() - started).toBeLessThan(2000);
      expect(fixture.hub.mqttConnection?.connected).toBe(false);
    } finally {
      await fixture?.stop();
      await own.stop();
    }
  });

  it("resubscribes after the broker restarts and carries on", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await probe.waitFor(`${base}/status`, (m) => m.text === "online");
    probe.clear();
    await broker.restart();
    await probe.client.waitConnected();
    await probe.waitFor(`${base}/status`, (m) => m.text === "online");
    await probe.publish(`${base}/living_room/transcript`, JSON.stringify({ text: "that is disgusting", id: "again" }));
    const event = await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === "again");

    expect(event.json().room).toBe("living_room");
  });
});
