import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Classification } from "../../src/emotion/classifier.js";
import { silentLogger } from "../../src/logger.js";
import { Metrics } from "../../src/metrics.js";
import { MqttClient } from "../../src/mqtt/client.js";
import { Topics } from "../../src/mqtt/topics.js";
import { ClassifyRequests } from "../../src/rooms/classifyRequests.js";
import { payloadLimit } from "../../src/transcripts/textRules.js";
import { brokerKinds, suiteBroker } from "../support/brokers.js";
import { Probe } from "../support/probe.js";

const CLASSIFICATION: Classification = {
  scores: { anger: 0, disgust: 0, fear: 0, joy: 0.9, neutral: 0.1, sadness: 0, surprise: 0 },
  labels: ["joy"],
  top: "joy",
};

let counter = 0;

describe.each(brokerKinds())("classify requests through %s", (kind) => {
  const broker = suiteBroker(kind);
  let topics: Topics;
  let hub: MqttClient;
  let probe: Probe;
  let metrics: Metrics;
  let logs: string[];
  let waiting: ((classification: Classification) => void)[];
  let onCall: (() => void) | undefined;

  beforeEach(async () => {
    topics = new Topics(`eh-classify-${process.pid}-${counter++}`);
    hub = new MqttClient({ url: broker.url, logger: silentLogger() });
    await hub.waitConnected();
    probe = await Probe.connect(broker.url, [topics.response("classify")]);
    metrics = new Metrics();
    logs = [];
    waiting = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => logs.push(line) });
    await new ClassifyRequests({
      mqtt: hub,
      topics,
      classify: () =>
        new Promise((resolve) => {
          waiting.push(resolve);
          onCall?.();
        }),
      maxLength: 20,
      maxPending: 2,
      metrics,
      logger,
    }).start();
  });

  afterEach(async () => {
    await probe.close();
    await hub.close();
  });

  const reply = (transaction: string) =>
    probe.waitFor(topics.response("classify"), (m) => m.json().transaction === transaction).then((m) => m.json());

  /** Resolves once the fake classifier holds `count` requests. */
  const held = (count: number) =>
    new Promise<void>((resolve) => {
      onCall = () => waiting.length >= count && resolve();
      onCall();
    });

  const rejected = async (reason: string) =>
    (await metrics.classifyRejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

  it("refuses what the transcript rules refuse, with the error envelope, and never logs the text", async () => {
    const bad: [string, string | Buffer, string][] = [
      ["empty", JSON.stringify({ text: "  ", transaction: "empty" }), "empty text"],
      ["long", JSON.stringify({ text: "😀".repeat(21), transaction: "long" }), "text over 20 characters"],
      ["type", JSON.stringify({ text: 7, transaction: "type" }), "text is not a string"],
    ];
    for (const [, payload] of bad) {
      await probe.publish(topics.request("classify"), payload);
    }
    for (const [transaction, , error] of bad) {
      expect(await reply(transaction)).toEqual({ status: "error", data: {}, error, transaction });
    }
    await probe.publish(topics.request("classify"), Buffer.from([0x7b, 0xc3, 0x28, 0x7d]));
    await probe.publish(topics.request("classify"), "x".repeat(payloadLimit(20) + 1));
    const classifying = held(1);
    await probe.publish(topics.request("classify"), JSON.stringify({ text: "secret words", transaction: "ok" }));
    await probe.waitFor(topics.response("classify"), (m) => m.json().error === "payload is not UTF-8");
    await probe.waitFor(topics.response("classify"), (m) => /^payload over \d+ bytes$/.test(String(m.json().error)));
    await classifying;
    waiting[0]?.(CLASSIFICATION);

    expect(await reply("ok")).toEqual({ status: "ok", data: CLASSIFICATION, transaction: "ok" });
    expect(await rejected("empty")).toBe(1);
    expect(await rejected("too_long")).toBe(2);
    expect(await rejected("wrong_type")).toBe(1);
    expect(await rejected("not_utf8")).toBe(1);
    expect(logs.join("")).not.toMatch(/secret|😀|xxxx/);
  });

  it("refuses a request beyond maxPending as overloaded and answers the others", async () => {
    for (const transaction of ["a", "b", "c"]) {
      await probe.publish(topics.request("classify"), JSON.stringify({ text: "hello", transaction }));
    }

    expect(await reply("c")).toEqual({ status: "error", data: {}, error: "overloaded", transaction: "c" });
    for (const resolve of waiting) {
      resolve(CLASSIFICATION);
    }
    expect(await reply("a")).toMatchObject({ status: "ok" });
    expect(await reply("b")).toMatchObject({ status: "ok" });
    expect(await rejected("overloaded")).toBe(1);
  });

  it("ignores a retained request, which the broker hands over again on every subscribe", async () => {
    const own = new Topics(`${topics.base}-retained`);
    const watcher = await Probe.connect(broker.url, [own.response("classify")]);
    await watcher.publish(own.request("classify"), JSON.stringify({ text: "hello", transaction: "old" }), true);
    const client = new MqttClient({ url: broker.url, logger: silentLogger() });
    try {
      await client.waitConnected();
      const options = { mqtt: client, topics: own, maxLength: 20, maxPending: 2, metrics, logger: silentLogger() };
      await new ClassifyRequests({ ...options, classify: async () => CLASSIFICATION }).start();
      await watcher.publish(own.request("classify"), JSON.stringify({ text: "hello", transaction: "new" }));
      await watcher.waitFor(own.response("classify"), (m) => m.json().transaction === "new");

      expect(watcher.seen.map((m) => m.json().transaction)).toEqual(["new"]);
      expect(await rejected("retained")).toBe(1);
    } finally {
      await watcher.publish(own.request("classify"), "", true);
      await watcher.close();
      await client.close();
    }
  });
});
