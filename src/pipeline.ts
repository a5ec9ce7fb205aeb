import type { Classification } from "./emotion/classifier.js";
import type { EventBus } from "./eventBus.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { MoodTracker } from "./mood/moodTracker.js";
import type { MqttClient } from "./mqtt/client.js";
import type { EmotionEvent, MoodEvent, Topics } from "./mqtt/topics.js";
import type { RejectReason, Utterance } from "./transcripts/utterance.js";

/** What happens inside the hub, for the modules that follow it (discovery, explanations, Node-RED). */
export interface HubEvents {
  emotion: EmotionEvent;
  mood: MoodEvent;
}

export interface PipelineOptions {
  classify: (text: string) => Promise<Classification>;
  mood: MoodTracker;
  mqtt: MqttClient;
  topics: Topics;
  bus: EventBus<HubEvents>;
  metrics: Metrics;
  logger: Logger;
  /** Most utterances waiting for the model before new ones are turned away. */
  maxPending: number;
}

/**
 * The way a transcript travels: utterance → emotion (published per utterance) → the room's mood (published,
 * retained, on change).
 */
export class Pipeline {
  private pending = 0;

  constructor(private readonly options: PipelineOptions) {}

  /** Takes an utterance unless too many are waiting; returns the reason when it does not. */
  accept(utterance: Utterance): RejectReason | undefined {
    if (this.pending >= this.options.maxPending) {
      return "overloaded";
    }
    this.pending++;
    void this.process(utterance).finally(() => {
      this.pending--;
    });

    return undefined;
  }

  /** Publishes a mood change (from an utterance, decay, an override or a reset). */
  async publishMood(change: MoodEvent): Promise<void> {
    const { mqtt, topics, metrics, logger } = this.options;
    metrics.moodChanges.inc({ room: change.room, reason: change.reason ?? "classified" });
    const percent = Math.round(change.confidence * 100);
    logger.info(
      `mood of room '${change.room}' changed from ${change.previous} to ${change.mood} (${percent} %, ${change.reason})`,
    );
    await mqtt.publish(topics.mood(change.room), change, { retain: true, qos: 1 });
    await this.options.bus.emit("mood", change);
  }

  private async process(utterance: Utterance): Promise<void> {
    const { metrics, logger } = this.options;
    try {
      const classification = await this.options.classify(utterance.text);
      metrics.classifications.inc({ top: classification.top });
      const event = this.emotionEvent(utterance, classification);
      await this.options.mqtt.publish(this.options.topics.emotion(utterance.room), event);
      metrics.endToEndSeconds.observe((Date.now() - utterance.at) / 1000);
      await this.options.bus.emit("emotion", event);
      // Under a forced mood the tracker ignores the scores; the emotion above is still this utterance's own.
      const change = this.options.mood.observe(utterance.room, classification.scores, utterance.at);
      if (change !== undefined) {
        await this.publishMood(change);
      }
    } catch (error) {
      logger.error(`failed to process a transcript for room '${utterance.room}' (${(error as Error).message})`);
    }
  }

  private emotionEvent(utterance: Utterance, classification: Classification): EmotionEvent {
    const event: EmotionEvent = {
      room: utterance.room,
      top: classification.top,
      confidence: classification.scores[classification.top],
      scores: classification.scores,
      at: new Date(utterance.at).toISOString(),
      source: utterance.source,
    };
    if (utterance.id !== undefined) {
      event.id = utterance.id;
    }

    return event;
  }
}
