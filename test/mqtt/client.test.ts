import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { MqttClient, topicMatches } from "../../src/mqtt/client.js";
import { brokerKinds, suiteBroker } from "../support/brokers.js";

/** Connects the built adapter with a last will of `offline`, publishes `online`, says so, and waits to be killed. */
const WILL_CHILD = join(import.meta.dirname, "support/willChild.mjs");

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
  const broker = suiteBroker(kind);

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

  it("publishes its status again and resubscribes after the broker restarts", async () => {
    const status = `client-test/${kind}/restart/status`;
    const inbox = `client-test/${kind}/restart/inbox`;
    const client = new MqttClient({ url: broker.url, logger: silentLogger(), reconnectPeriod: 100 });
    let connects = 0;
    client.onConnect(() => {
      connects++;
      return client.publish(status, `online ${connects}`, { retain: true, qos: 1 });
    });
    const received: string[] = [];
    let deliver: () => void = () => undefined;
    await client.subscribe(inbox, (_topic, payload) => {
      received.push(payload.toString());
      deliver();
    });
    await client.waitConnected();
    await broker.restart();
    const watcher = new MqttClient({ url: broker.url, logger: silentLogger() });
    try {
      await watcher.waitConnected();
      const online = new Promise<string>((resolve) => {
        void watcher.subscribe(status, (_topic, payload) => {
          if (payload.toString() === "online 2") {
            resolve(payload.toString());
          }
        });
      });
      expect(await online).toBe("online 2");

      // The broker forgot every subscription when it restarted: only a resubscribe brings this one back.
      const delivered = new Promise<void>((resolve) => {
        deliver = resolve;
      });
      await watcher.publish(inbox, "after the restart", { qos: 1 });
      await delivered;
      expect(received).toEqual(["after the restart"]);
    } finally {
      await watcher.publish(status, "", { retain: true, qos: 1 });
      await watcher.close();
      await client.close();
    }
  });

  it("subscribes at once while the broker is away, and the subscription arrives with the reconnect", async () => {
    const inbox = `client-test/${kind}/offline/inbox`;
    const client = new MqttClient({ url: broker.url, logger: silentLogger(), reconnectPeriod: 100 });
    await client.waitConnected();
    let subscribed: Promise<void> | undefined;
    let delivered: (text: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => {
      delivered = resolve;
    });
    const wentAway = new Promise<void>((resolve) => {
      client.onDisconnect(() => {
        // Called while mqtt.js is offline, before any reconnect attempt could start.
        subscribed ??= client.subscribe(inbox, (_topic, payload) => delivered(payload.toString()), 1);
        resolve();
      });
    });
    const restarted = broker.restart();
    await wentAway;
    await subscribed;
    const offlineAfterSubscribing = !client.connected;
    await restarted;
    await client.waitConnected();
    const watcher = new MqttClient({ url: broker.url, logger: silentLogger() });
    try {
      await watcher.waitConnected();
      // Retained, so it reaches the subscription whether that came before this publish or after it.
      await watcher.publish(inbox, "after the outage", { retain: true, qos: 1 });

      expect(offlineAfterSubscribing).toBe(true);
      expect(await received).toBe("after the outage");
    } finally {
      await watcher.publish(inbox, "", { retain: true, qos: 1 });
      await watcher.close();
      await client.close();
    }
  });

  it("leaves its last will, retained, when its process dies without saying goodbye", async () => {
    const status = `client-test/${kind}/will/status`;
    const child = spawn(process.execPath, [WILL_CHILD, broker.url, status], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const watcher = new MqttClient({ url: broker.url, logger: silentLogger() });
    try {
      await watcher.waitConnected();
      const states: { text: string; retained: boolean }[] = [];
      let check: () => void = () => undefined;
      await watcher.subscribe(status, (_topic, payload, retained) => {
        states.push({ text: payload.toString(), retained });
        check();
      });
      const seen = (text: string) =>
        new Promise<void>((resolve) => {
          check = () => states.some((state) => state.text === text) && resolve();
          check();
        });
      await seen("online");
      child.kill("SIGKILL");
      await exited;
      await seen("offline");
      expect(states).toEqual([
        { text: "online", retained: true },
        { text: "offline", retained: false },
      ]);

      const late = new MqttClient({ url: broker.url, logger: silentLogger() });
      const retained = new Promise<{ text: string; retained: boolean }>((resolve) => {
        void late.subscribe(status, (_topic, payload, flag) => resolve({ text: payload.toString(), retained: flag }));
      });
      expect(await retained).toEqual({ text: "offline", retained: true });
      await late.close();
    } finally {
      child.kill("SIGKILL");
      await watcher.publish(status, "", { retain: true, qos: 1 });
      await watcher.close();
    }
  });
});
