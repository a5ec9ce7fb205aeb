import type { RoomConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { MqttClient } from "../mqtt/client.js";
import type { SceneOutcome, Topics } from "../mqtt/topics.js";
import { parseScene, type Scene } from "../scenes/scene.js";

/** The part of the scene applier this module needs. */
export interface ApplyScene {
  apply(
    room: string,
    area: string,
    scene: Scene,
  ): Promise<{ status: "ok" | "error"; error?: { code: string; message: string }; contexts: string[] }>;
}

/** Why a scene may not be applied now. */
export interface Refusal {
  code: string;
  message: string;
}

export interface SceneRequestsOptions {
  mqtt: MqttClient;
  topics: Topics;
  rooms: Record<string, RoomConfig>;
  applier: ApplyScene;
  /** A refusal while the hub or the room's automation is off, or the room is paused by a manual change. */
  refusal: (room: string) => Refusal | undefined;
  /** Called before the first service call, so the hub can tell its own changes from a person's. */
  beforeApply: (room: string) => void;
  /** Called after the scene was applied or failed. */
  afterApply: (room: string, scene: Scene, outcome: SceneOutcome, contexts: string[]) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Serves `<base>/<room>/scene/set`: validates the scene, applies it through Home Assistant unless refused, and
 * publishes the outcome, retained, on `<base>/<room>/scene` with the request's transaction echoed.
 */
export class SceneRequests {
  constructor(private readonly options: SceneRequestsOptions) {}

  async start(): Promise<void> {
    const { mqtt, topics } = this.options;
    await mqtt.subscribe(topics.anySceneSet(), (topic, payload) => this.handle(topic, payload), 1);
  }

  async stop(): Promise<void> {
    await this.options.mqtt.unsubscribe(this.options.topics.anySceneSet());
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    const { topics, rooms, metrics, logger } = this.options;
    const room = topics.roomOf(topic);
    const settings = room === undefined ? undefined : rooms[room];
    if (room === undefined || settings === undefined) {
      metrics.sceneCalls.inc({ outcome: "invalid" });
      logger.warn(`rejected scene request on '${topic}' (room is not configured)`);
      return;
    }
    const parsed = parseScene(payload);
    if (!parsed.ok) {
      metrics.sceneCalls.inc({ outcome: "invalid" });
      logger.warn(`rejected scene request on '${topic}' (${parsed.error})`);
      const error = { code: "invalid_scene", message: parsed.error };
      await this.publish(
        this.outcome({ scene: "custom", status: "error", error, transaction: transactionOf(payload) }),
        room,
      );
      return;
    }
    await this.apply(room, settings.area, parsed.scene);
  }

  private async apply(room: string, area: string, scene: Scene): Promise<void> {
    const { metrics, logger } = this.options;
    const name = scene.name ?? "custom";
    const refusal = this.options.refusal(room);
    if (refusal !== undefined) {
      metrics.sceneCalls.inc({ outcome: refusal.code });
      logger.info(`skipped scene '${name}' for room '${room}' (${refusal.message})`);
      await this.publish(
        this.outcome({ scene: name, status: "error", error: refusal, transaction: scene.transaction }),
        room,
      );
      return;
    }
    this.options.beforeApply(room);
    const result = await this.options.applier.apply(room, area, scene);
    metrics.sceneCalls.inc({ outcome: result.status });
    const outcome = this.outcome({
      scene: name,
      status: result.status,
      error: result.error,
      transaction: scene.transaction,
    });
    // The explanation (logbook, event) is written before the outcome, so whoever waits on the outcome sees it.
    await this.options.afterApply(room, scene, outcome, result.contexts);
    await this.publish(outcome, room);
  }

  private outcome(fields: Omit<SceneOutcome, "at">): SceneOutcome {
    const outcome: SceneOutcome = { ...fields, at: new Date().toISOString() };
    if (outcome.error === undefined) {
      delete outcome.error;
    }
    if (outcome.transaction === undefined) {
      delete outcome.transaction;
    }

    return outcome;
  }

  private async publish(outcome: SceneOutcome, room: string): Promise<void> {
    await this.options.mqtt.publish(this.options.topics.scene(room), outcome, { retain: true, qos: 1 });
  }
}

/** The caller's transaction from a payload that failed validation, so the error still reaches the caller. */
function transactionOf(payload: Buffer): string | undefined {
  try {
    const value = (JSON.parse(payload.toString("utf8")) as { transaction?: unknown }).transaction;

    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
