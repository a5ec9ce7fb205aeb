import { randomUUID } from "node:crypto";
import { silentLogger } from "../../../src/logger.js";
import { MqttClient } from "../../../src/mqtt/client.js";

/** A base topic no other test uses, so retained messages never leak between tests. */
export function uniqueBase(): string {
  return `nr-test-${randomUUID().slice(0, 8)}`;
}

export interface Received<T> {
  topic: string;
  body: T;
}

/** The test's own MQTT client, playing the hub's side of the topics. */
export class MqttPeer {
  private readonly client: MqttClient;

  constructor(url: string) {
    this.client = new MqttClient({ url, logger: silentLogger(), reconnectPeriod: 100 });
  }

  /** Resolves once connected again, for example after a broker restart. */
  async waitConnected(): Promise<void> {
    await this.client.waitConnected();
  }

  async connect(): Promise<this> {
    await this.client.waitConnected();

    return this;
  }

  /**
   * Subscribes to `pattern`, then gives the first JSON message that `accept` takes. Resolves once subscribed, so
   * the test can act knowing nothing will be missed.
   */
  async expect<T = Record<string, unknown>>(
    pattern: string,
    accept: (body: T, topic: string) => boolean = () => true,
  ): Promise<{ message: Promise<Received<T>> }> {
    let deliver: (value: Received<T>) => void = () => undefined;
    const message = new Promise<Received<T>>((resolve) => {
      deliver = resolve;
    });
    await this.client.subscribe(pattern, (topic, payload) => {
      const body = JSON.parse(payload.toString()) as T;
      if (accept(body, topic)) {
        deliver({ topic, body });
      }
    });

    return { message };
  }

  /** Answers every JSON message on `pattern` with `reply(body, topic)` published to `replyTopic(topic)`. */
  async respond(
    pattern: string,
    replyTopic: (topic: string) => string,
    reply: (body: Record<string, unknown>) => unknown,
  ): Promise<void> {
    await this.client.subscribe(pattern, async (topic, payload) => {
      await this.publish(replyTopic(topic), reply(JSON.parse(payload.toString()) as Record<string, unknown>));
    });
  }

  async publish(topic: string, body: unknown, retain = false): Promise<void> {
    await this.client.publish(topic, body as object, { qos: 1, retain });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
