import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Discovery, type DiscoveryOptions } from "../../src/discovery/discovery.js";
import type { Component, DevicePayload } from "../../src/discovery/discoveryPayloads.js";
import { EMOTION_LABELS } from "../../src/emotion/labels.js";
import { silentLogger } from "../../src/logger.js";
import { MqttClient } from "../../src/mqtt/client.js";
import { Topics } from "../../src/mqtt/topics.js";
import { brokerKinds, startBroker, type TestBroker } from "../support/brokers.js";

interface Seen {
  topic: string;
  payload: string;
  retained: boolean;
}

/** A second client standing in for Home Assistant: it records what it receives and lets a test await it. */
class Observer {
  readonly seen: Seen[] = [];
  private readonly waiters: { match: (m: Seen) => boolean; resolve: (m: Seen) => void }[] = [];

  private constructor(readonly client: MqttClient) {}

  static async connect(url: string): Promise<Observer> {
    const client = new MqttClient({ url, logger: silentLogger() });
    await client.waitConnected();

    return new Observer(client);
  }

  async watch(pattern: string): Promise<void> {
    await this.client.subscribe(
      pattern,
      (topic, payload, retained) => this.record({ topic, payload: `${payload}`, retained }),
      1,
    );
  }

  /** Resolves with the first message, already seen or still to come, that matches. */
  waitFor(match: (m: Seen) => boolean): Promise<Seen> {
    const found = this.seen.find(match);
    if (found) {
      return Promise.resolve(found);
    }

    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private record(message: Seen): void {
    this.seen.push(message);
    for (const waiter of this.waiters.filter((w) => w.match(message))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  }
}

/** Abbreviated keys from Home Assistant's MQTT abbreviation table; the hub uses full names, so none may appear. */
const ABBREVIATIONS = [
  "p",
  "dev",
  "o",
  "cmps",
  "uniq_id",
  "stat_t",
  "cmd_t",
  "val_tpl",
  "avty_t",
  "json_attr_t",
  "ops",
];
const ABBREVIATIONS_MORE = [
  "def_ent_id",
  "dev_cla",
  "stat_cla",
  "ent_cat",
  "ic",
  "ids",
  "mf",
  "mdl",
  "sw",
  "sa",
  "pl_on",
];

/** Required keys per platform, from the Home Assistant MQTT platform documentation (REFERENCE 3.2). */
const REQUIRED: Record<string, string[]> = {
  sensor: ["state_topic"],
  binary_sensor: ["state_topic"],
  switch: ["command_topic"],
  select: ["command_topic", "options"],
  button: ["command_topic"],
  number: ["command_topic"],
};

function keysDeep(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) {
      keysDeep(item, into);
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      into.push(key);
      keysDeep(inner, into);
    }
  }

  return into;
}

describe.each(brokerKinds())("Discovery through %s", (kind) => {
  let broker: TestBroker;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    broker = await startBroker(kind);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) {
      await step();
    }
  });

  afterAll(async () => {
    await broker.stop();
  });

  /** A test's own prefix, base topic and hub client, so retained messages never leak between tests. */
  async function setup() {
    const id = randomUUID().slice(0, 8);
    const prefix = `ha-${id}`;
    const topics = new Topics(`hub-${id}`);
    const mqtt = new MqttClient({ url: broker.url, logger: silentLogger() });
    await mqtt.waitConnected();
    const observer = await Observer.connect(broker.url);
    cleanup.push(
      () => mqtt.close(),
      () => observer.client.close(),
    );
    const discovery = (rooms: DiscoveryOptions["rooms"], hubId = "hub_test") => {
      const made = new Discovery({
        mqtt,
        topics,
        prefix,
        hubId,
        version: "1.2.3",
        rooms,
        logger: silentLogger(),
        birthDelayMs: 0,
      });
      cleanup.push(() => made.stop());

      return made;
    };

    return { prefix, topics, mqtt, observer, discovery };
  }

  async function retainedConfigs(
    observer: Observer,
    prefix: string,
    topics: string[],
  ): Promise<Map<string, DevicePayload>> {
    await observer.watch(`${prefix}/device/+/config`);
    const configs = new Map<string, DevicePayload>();
    for (const topic of topics) {
      const message = await observer.waitFor((m) => m.topic === topic && m.retained);
      configs.set(topic, JSON.parse(message.payload) as DevicePayload);
    }

    return configs;
  }

  it("publishes retained device configs that carry every key Home Assistant requires", async () => {
    const { prefix, topics, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" }, den: { name: "The den", area: "den" } }).start();
    const names = ["hub_test", "hub_test_living_room", "hub_test_den"].map((n) => `${prefix}/device/${n}/config`);
    const configs = await retainedConfigs(observer, prefix, names);
    const uniqueIds = new Set<string>();

    for (const payload of configs.values()) {
      expect(payload.origin).toEqual({ name: "emotion-hub", sw_version: "1.2.3" });
      expect(payload.device.identifiers).toHaveLength(1);
      expect(payload.device.sw_version).toBe("1.2.3");
      expect(payload.availability_topic).toBe(topics.status());
      expect([payload.payload_available, payload.payload_not_available]).toEqual(["online", "offline"]);
      const keys = keysDeep(payload);
      expect(keys).not.toContain("object_id");
      expect(keys.filter((key) => ABBREVIATIONS.includes(key) || ABBREVIATIONS_MORE.includes(key))).toEqual([]);

      for (const component of Object.values(payload.components) as Component[]) {
        for (const required of REQUIRED[component.platform] ?? ["unknown platform"]) {
          expect(component, `${component.unique_id} needs ${required}`).toHaveProperty(required);
        }
        expect(component.default_entity_id).toMatch(new RegExp(`^${component.platform}\\.[a-z0-9_]+$`));
        expect(uniqueIds.has(component.unique_id ?? "")).toBe(false);
        uniqueIds.add(component.unique_id ?? "");
      }
    }
    expect(uniqueIds.size).toBe(5 + 7 + 7);
  });

  it("describes the hub device from its state topic and the global switch", async () => {
    const { prefix, topics, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" } }).start();
    const topic = `${prefix}/device/hub_test/config`;
    const hub = (await retainedConfigs(observer, prefix, [topic])).get(topic) as DevicePayload;
    const c = hub.components;

    expect(Object.keys(c).sort()).toEqual(["enabled", "homeassistant", "model", "transcripts", "version"]);
    expect(c.homeassistant).toMatchObject({
      platform: "binary_sensor",
      device_class: "connectivity",
      state_topic: topics.hubState(),
    });
    expect(c.homeassistant?.value_template).toContain("value_json.homeassistant == 'connected'");
    expect(c.model).toMatchObject({ platform: "sensor", device_class: "enum", options: ["loading", "ready", "error"] });
    expect(c.transcripts).toMatchObject({
      platform: "sensor",
      state_class: "total_increasing",
      value_template: "{{ value_json.transcripts }}",
    });
    expect(c.enabled).toMatchObject({
      platform: "switch",
      state_topic: topics.hubEnabled(),
      command_topic: `${topics.hubEnabled()}/set`,
    });
    expect(c.version).toMatchObject({
      platform: "sensor",
      entity_category: "diagnostic",
      default_entity_id: "sensor.hub_test_version",
    });
  });

  it("describes a room device with its mood and every control on the hub's topics", async () => {
    const { prefix, topics, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" } }).start();
    const topic = `${prefix}/device/hub_test_living_room/config`;
    const room = (await retainedConfigs(observer, prefix, [topic])).get(topic) as DevicePayload;
    const c = room.components;
    const base = topics.base;

    expect(room.device).toMatchObject({
      name: "Living room mood",
      suggested_area: "Living room",
      via_device: "hub_test",
    });
    expect(c.mood).toMatchObject({
      platform: "sensor",
      device_class: "enum",
      options: [...EMOTION_LABELS],
      name: null,
      default_entity_id: "sensor.living_room_mood",
      state_topic: `${base}/living_room/mood`,
      value_template: "{{ value_json.mood }}",
      json_attributes_topic: `${base}/living_room/mood`,
    });
    expect(c.automation).toMatchObject({
      platform: "switch",
      state_topic: `${base}/living_room/automation`,
      command_topic: `${base}/living_room/automation/set`,
    });
    expect(c.override).toMatchObject({
      platform: "select",
      options: ["auto", ...EMOTION_LABELS],
      command_topic: `${base}/living_room/override/set`,
    });
    expect(c.hold).toMatchObject({
      platform: "number",
      device_class: "duration",
      min: 0,
      max: 86_400,
      step: 1,
      mode: "box",
      unit_of_measurement: "s",
      command_topic: `${base}/living_room/hold/set`,
    });
    expect(c.paused).toMatchObject({ platform: "binary_sensor", state_topic: `${base}/living_room/paused` });
    expect(c.scene).toMatchObject({
      platform: "sensor",
      state_topic: `${base}/living_room/scene/active`,
      value_template: "{{ value_json.scene }}",
      json_attributes_topic: `${base}/living_room/scene`,
    });
    expect(c.reset).toMatchObject({ platform: "button", command_topic: `${base}/living_room/reset` });
  });

  it("lets no transcript-like field into any state or attribute", async () => {
    const { prefix, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" } }).start();
    const names = ["hub_test", "hub_test_living_room"].map((n) => `${prefix}/device/${n}/config`);
    const configs = [...(await retainedConfigs(observer, prefix, names)).values()];
    const components = configs.flatMap((payload) => Object.values(payload.components) as Component[]);
    const templates = components
      .flatMap((c) => [c.value_template, c.json_attributes_template])
      .filter(Boolean)
      .join(" ");
    const attributeKeys = components
      .map((c) => c.json_attributes_template)
      .filter((template): template is string => typeof template === "string")
      .flatMap((template) => [...template.matchAll(/'(\w+)':/g)].map((match) => match[1]));

    expect(JSON.stringify(configs)).not.toMatch(/text|transcript"|utterance|speaker|token/i);
    expect(templates).not.toMatch(/value_json\s*\|\s*tojson|value_json\.(text|transcript)\b/);
    expect(attributeKeys.sort()).toEqual(["at", "confidence", "previous", "scores", "since", "status"]);
    expect(components.every((c) => !("json_attributes_topic" in c) || "json_attributes_template" in c)).toBe(true);
  });

  it("publishes every config again when Home Assistant announces online", async () => {
    const { prefix, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" } }).start();
    await observer.watch(`${prefix}/device/+/config`);
    await observer.waitFor((m) => m.topic === `${prefix}/device/hub_test_living_room/config` && m.retained);

    await observer.client.publish(`${prefix}/status`, "online", { qos: 1 });
    const live = await Promise.all(
      ["hub_test", "hub_test_living_room"].map((n) =>
        observer.waitFor((m) => m.topic === `${prefix}/device/${n}/config` && !m.retained),
      ),
    );

    expect(live.map((m) => (JSON.parse(m.payload) as DevicePayload).origin.name)).toEqual([
      "emotion-hub",
      "emotion-hub",
    ]);
  });

  it("removes the device and retained states of a room that left the config, and keeps the others", async () => {
    const { prefix, topics, observer, discovery } = await setup();
    const first = discovery({ living_room: { area: "living_room" }, kitchen: { area: "kitchen" } });
    await first.start();
    await first.stop();
    await observer.client.publish(topics.mood("kitchen"), '{"mood":"joy"}', { retain: true, qos: 1 });
    await observer.watch(`${prefix}/device/+/config`);
    await observer.watch(topics.mood("kitchen"));
    await observer.waitFor((m) => m.topic === `${prefix}/device/hub_test_kitchen/config` && m.retained);

    await discovery({ living_room: { area: "living_room" } }).start();
    const cleared = await observer.waitFor(
      (m) => m.topic === `${prefix}/device/hub_test_kitchen/config` && m.payload === "",
    );
    const moodCleared = await observer.waitFor((m) => m.topic === topics.mood("kitchen") && m.payload === "");
    const kept = await observer.waitFor(
      (m) => m.topic === `${prefix}/device/hub_test_living_room/config` && !m.retained,
    );

    expect([cleared.payload, moodCleared.payload]).toEqual(["", ""]);
    expect(JSON.parse(kept.payload)).toHaveProperty("components.mood");
    const index = await Observer.connect(broker.url);
    cleanup.push(() => index.client.close());
    await index.watch(topics.hubDiscovery());
    const record = await index.waitFor((m) => m.retained);
    expect(JSON.parse(record.payload)).toEqual({ prefix, hubId: "hub_test", rooms: ["living_room"] });
  });

  it("removes the old hub's devices when the hub id changes", async () => {
    const { prefix, observer, discovery } = await setup();
    await discovery({ living_room: { area: "living_room" } }, "old_hub").start();
    await observer.watch(`${prefix}/device/+/config`);

    await discovery({ living_room: { area: "living_room" } }, "new_hub").start();
    const removed = await Promise.all(
      ["old_hub", "old_hub_living_room"].map((n) =>
        observer.waitFor((m) => m.topic === `${prefix}/device/${n}/config` && m.payload === ""),
      ),
    );

    expect(removed).toHaveLength(2);
    await observer.waitFor((m) => m.topic === `${prefix}/device/new_hub_living_room/config` && m.payload !== "");
  });

  it("survives a malformed previous record and replaces it with a valid one", async () => {
    const { topics, observer, discovery } = await setup();
    await observer.client.publish(topics.hubDiscovery(), "{not json", { retain: true, qos: 1 });

    await discovery({ living_room: { area: "living_room" } }).start();
    await observer.watch(topics.hubDiscovery());
    const record = await observer.waitFor((m) => m.retained);

    expect(JSON.parse(record.payload)).toMatchObject({ rooms: ["living_room"] });
  });
});
