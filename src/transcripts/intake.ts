import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { MqttClient } from "../mqtt/client.js";
import type { TranscriptSource } from "./sources.js";
import type { RejectReason, Utterance } from "./utterance.js";

export interface IntakeOptions {
  mqtt: MqttClient;
  sources: TranscriptSource[];
  metrics: Metrics;
  logger: Logger;
  /** Log transcript text at debug level: only when a person turned on `transcripts.logTranscripts`. */
  logTranscripts: boolean;
  /** Receives each accepted utterance; returns a reason to turn it away after all (overload, hub switched off). */
  accept: (utterance: Utterance) => RejectReason | undefined;
}

/**
 * Subscribes to every transcript source, validates each payload and hands on utterances. A bad payload is counted
 * and logged with its topic and reason, never its content, and never stops the next one.
 */
export class TranscriptIntake {
  constructor(private readonly options: IntakeOptions) {}

  async start(): Promise<void> {
    for (const source of this.options.sources) {
      await this.options.mqtt.subscribe(source.pattern, (topic, payload, retained) =>
        this.receive(source, topic, payload, retained),
      );
    }
  }

  async stop(): Promise<void> {
    for (const source of this.options.sources) {
      await this.options.mqtt.unsubscribe(source.pattern);
    }
  }

  private receive(source: TranscriptSource, topic: string, payload: Buffer, retained: boolean): void {
    // A retained transcript is one said earlier, sent again on every (re)subscribe: hearing it twice would count
    // the same words twice towards the mood.
    if (retained) {
      this.reject(topic, "retained", "retained message, not a new transcript");
      return;
    }
    const result = source.parse(topic, payload, Date.now());
    if (!result.ok) {
      this.reject(topic, result.reason, result.detail);
      return;
    }
    const { utterance } = result;
    const refusal = this.options.accept(utterance);
    if (refusal !== undefined) {
      this.reject(topic, refusal, refusal === "disabled" ? "the hub is switched off" : "too many transcripts waiting");
      return;
    }
    this.options.metrics.transcriptsReceived.inc({ source: utterance.source });
    if (this.options.logTranscripts) {
      this.options.logger.debug({ room: utterance.room, transcript: utterance.text }, "transcript received");
    }
  }

  private reject(topic: string, reason: RejectReason, detail: string): void {
    this.options.metrics.transcriptsRejected.inc({ reason });
    // A person switched the hub off on purpose: a warning for every transcript after that would only be noise.
    const level = reason === "disabled" ? "debug" : "warn";
    this.options.logger[level](`rejected transcript on '${topic}' (${detail})`);
  }
}
