import { performance } from "node:perf_hooks";
import { silentLogger } from "../../src/logger.js";
import { MqttClient } from "../../src/mqtt/client.js";
import { Measurement } from "./measurement.js";
import type { Qos, Route } from "./subject.js";
import { UTTERANCES } from "./utterances.js";

/** How long the answers may keep the bench waiting after the last message went out. */
export interface DrainLimits {
  /** Give up when no answer arrived for this long. */
  stallMs: number;
  /** Give up after this long whatever happens. */
  maxMs: number;
}

const POLL_MS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends transcripts to a subject and times the answers, in one process: one MQTT connection publishes, another
 * receives, both through the hub's MQTT adapter (no-delay sockets). Latency runs from the publish call to the
 * matching answer, matched by the id carried in the JSON.
 */
export class LoadGenerator {
  private current?: Measurement;
  private route?: Route;
  private qos: Qos = 0;
  private runs = 0;
  private afterReceipt?: () => void;

  private constructor(
    private readonly publisher: MqttClient,
    private readonly subscriber: MqttClient,
  ) {}

  static async connect(url: string): Promise<LoadGenerator> {
    const logger = silentLogger();
    const publisher = new MqttClient({ url, clientId: `bench-load-${process.pid}`, logger });
    const subscriber = new MqttClient({ url, clientId: `bench-receive-${process.pid}`, logger });
    await Promise.all([publisher.waitConnected(), subscriber.waitConnected()]);

    return new LoadGenerator(publisher, subscriber);
  }

  /** Points the generator at a subject's topics, receiving its answers at `qos`. */
  async attach(route: Route, qos: Qos): Promise<void> {
    await this.detach();
    this.route = route;
    this.qos = qos;
    await this.subscriber.subscribe(route.output, (_topic, payload) => this.receive(payload), qos);
  }

  async detach(): Promise<void> {
    if (this.route !== undefined) {
      await this.subscriber.unsubscribe(this.route.output);
      this.route = undefined;
    }
  }

  /** Sends one message every 200 ms until an answer comes back: the subject is up and its flow is wired. */
  async probe(timeoutMs: number, alive: () => boolean): Promise<void> {
    const measurement = this.begin(Math.ceil(timeoutMs / 200) + 1);
    const deadline = Date.now() + timeoutMs;
    for (let sequence = 0; measurement.received === 0; sequence++) {
      if (Date.now() > deadline || !alive()) {
        throw new Error(alive() ? `no answer on '${this.route?.output}' within ${timeoutMs} ms` : "the subject exited");
      }

      this.send(measurement, sequence);
      await sleep(200);
    }
  }

  /**
   * Sends `rate` messages a second for `durationMs`, each at its place in a fixed timetable (a late timer never
   * shifts later messages), then waits for the answers.
   */
  async paced(rate: number, durationMs: number, drain: DrainLimits): Promise<Measurement> {
    const total = Math.round((rate * durationMs) / 1000);
    const measurement = this.begin(total);
    const interval = 1000 / rate;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        const now = performance.now();
        // Timers wake up to a millisecond late; whatever fell due meanwhile goes out now, stamped when it does.
        while (next < total && start + next * interval <= now + 0.05) {
          this.send(measurement, next, performance.now() - (start + next * interval));
          next++;
        }
        if (next >= total) {
          resolve();
          return;
        }

        setTimeout(tick, Math.max(0, start + next * interval - performance.now() - 0.5));
      };
      tick();
    });
    await this.drain(measurement, () => measurement.sent, drain);

    return this.end(measurement);
  }

  /** Sends `count` messages as fast as the subject answers, keeping at most `window` unanswered. */
  async flood(count: number, window: number, drain: DrainLimits): Promise<Measurement> {
    const measurement = this.begin(count);
    let next = 0;
    this.afterReceipt = () => {
      if (next < count) {
        this.send(measurement, next++);
      }
    };
    while (next < Math.min(window, count)) {
      this.send(measurement, next++);
    }
    await this.drain(measurement, () => count, drain);

    return this.end(measurement);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.publisher.close(), this.subscriber.close()]);
  }

  private begin(capacity: number): Measurement {
    const measurement = new Measurement(`r${++this.runs}`, capacity);
    this.current = measurement;

    return measurement;
  }

  private end(measurement: Measurement): Measurement {
    this.afterReceipt = undefined;

    return measurement;
  }

  private send(measurement: Measurement, sequence: number, lag?: number): void {
    const route = this.route;
    if (route === undefined) {
      throw new Error("the load generator is not attached to a subject");
    }

    const text = UTTERANCES[sequence % UTTERANCES.length];
    const body = JSON.stringify({ text, id: measurement.id(sequence) });
    measurement.markSent(sequence, performance.now(), lag);
    void this.publisher.publish(route.input, body, { qos: this.qos }).catch(() => {
      measurement.publishErrors++;
    });
  }

  private receive(payload: Buffer): void {
    const now = performance.now();
    const measurement = this.current;
    if (measurement === undefined) {
      return;
    }

    const id = idOf(payload);
    if (id === undefined) {
      measurement.strays++;
      return;
    }

    if (measurement.markReceived(id, now)) {
      this.afterReceipt?.();
    }
  }

  private async drain(measurement: Measurement, target: () => number, limits: DrainLimits): Promise<void> {
    const started = performance.now();
    let lastCount = -1;
    let lastProgress = started;
    while (measurement.received < target()) {
      const now = performance.now();
      if (measurement.received !== lastCount) {
        lastCount = measurement.received;
        lastProgress = now;
      }
      if (now - lastProgress > limits.stallMs || now - started > limits.maxMs) {
        return;
      }

      await sleep(POLL_MS);
    }
  }
}

function idOf(payload: Buffer): string | undefined {
  try {
    const id = (JSON.parse(payload.toString("utf8")) as { id?: unknown }).id;

    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
