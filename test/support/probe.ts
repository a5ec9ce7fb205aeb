import { silentLogger } from "../../src/logger.js";
import { MqttClient, topicMatches } from "../../src/mqtt/client.js";

export interface Received {
  topic: string;
  text: string;
  retained: boolean;
  json<T = Record<string, unknown>>(): T;
}

interface Waiter {
  pattern: string;
  match: (message: Received) => boolean;
  resolve: (message: Received) => void;
}

/**
 * A test's own MQTT client: records everything under the patterns it watches and lets a test await the next
 * message that matches, so tests wait for events instead of sleeping.
 */
export class Probe {
  readonly client: MqttClient;
  readonly seen: Received[] = [];
  private readonly waiters: Waiter[] = [];

  private constructor(url: string) {
    this.client = new MqttClient({ url, logger: silentLogger(), reconnectPeriod: 100 });
  }

  static async connect(url: string, patterns: string[]): Promise<Probe> {
    const probe = new Probe(url);
    await probe.client.waitConnected();
    for (const pattern of patterns) {
      await probe.client.subscribe(pattern, (topic, payload, retained) => probe.receive(topic, payload, retained), 1);
    }

    return probe;
  }

  /** The first message, seen already or still to come, on a topic matching `pattern` that passes `match`. */
  waitFor(pattern: string, match: (message: Received) => boolean = () => true, timeoutMs = 20_000): Promise<Received> {
    const already = this.seen.find((message) => topicMatches(pattern, message.topic) && match(message));
    if (already !== undefined) {
      return Promise.resolve(already);
    }

    return new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => {
        const recent = this.seen.slice(-12).map((m) => `${m.topic} ${m.text.slice(0, 80)}`);
        reject(new Error(`no message on '${pattern}' within ${timeoutMs} ms; last seen:\n${recent.join("\n")}`));
      }, timeoutMs);
      this.waiters.push({
        pattern,
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** Forgets what was seen, so the next `waitFor` only sees new messages. */
  clear(): void {
    this.seen.length = 0;
  }

  publish(topic: string, payload: string | Buffer | object, retain = false): Promise<void> {
    return this.client.publish(topic, payload, { qos: 1, retain });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private receive(topic: string, payload: Buffer, retained: boolean): void {
    const text = payload.toString("utf8");
    const message: Received = { topic, text, retained, json: () => JSON.parse(text) };
    this.seen.push(message);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter !== undefined && topicMatches(waiter.pattern, topic) && waiter.match(message)) {
        this.waiters.splice(i, 1);
        waiter.resolve(message);
      }
    }
  }
}
