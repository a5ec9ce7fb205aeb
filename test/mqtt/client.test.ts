import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MqttClient, topicMatches } from "../../src/mqtt/client.js";
import { brokerKinds, startBroker, type TestBroker } from "../support/brokers.js";

describe("topicMatches", () => {
  it("matches + and # the way MQTT does", () => {
    expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
    expect(topicMatches("a/+/c", "a/b/d")).toBe(false);
    expect(topicMatches("a/#", "a/b/c")).toBe(true);
    expect(topicMatches("a/+", "a/b/c")).toBe(false);
    expect(topicMatches("a/b", "a/b")).toBe(true);
  });
});

describe.each(brokerKinds())("MqttClient through %s", (kind) => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startBroker(kind);
  });

  afterAll(async () => {
    await broker.stop();
  });

  it("delivers to matching handlers and survives a throwing one", async () => {
    const client = new MqttClient({ url: broker.url, logger: silentLogger() });
    await client.waitConnected();
    const received = new Promise<string>((resolve) => {
      void client.subscribe("client-test/+/x", (_topic, payload) => resolve(payload.toString()));
    });
    await client.subscribe("client-test/#", () => {
      throw new Error("listener failure");
    });
    await client.publish("client-test/a/x", "hello", { qos: 1 });

    expect(await received).toBe("hello");
    await client.close();
  });

  it("refuses to publish to a wildcard topic", async () => {
    const client = new MqttClient({ url: broker.url, logger: silentLogger() });
    await client.waitConnected();

    await expect(client.publish("client-test/+/x", "nope")).rejects.toThrow(/wildcard/);
    await client.close();
  });

  it("publishes its status again after the broker restarts", async () => {
    const client = new MqttClient({ url: broker.url, logger: silentLogger(), reconnectPeriod: 100 });
    let connects = 0;
    const second = new Promise<void>((resolve) => {
      client.onConnect(() => {
        connects++;
        if (connects === 2) {
          resolve();
        }
      });
    });
    await client.waitConnected();
    await broker.restart();
    await second;

    expect(connects).toBe(2);
    await client.close();
  });
});
