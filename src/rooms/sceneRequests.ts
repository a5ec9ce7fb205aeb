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

/** A room's scenes: the one being applied, and at most one waiting behind it. */
interface RoomQueue {
  running: Promise<void>;
  waiting?: Scene;
}

/**
 * Serves `<base>/<room>/scene/set`: validates the scene, applies it through Home Assistant unless refused, and
 * publishes the outcome, retained, on `<base>/<room>/scene` with the request's transaction echoed.
 *
 * A room applies one scene at a time, so the service calls of two scenes never interleave. Requests that
 * arrive meanwhile wait, and only the latest of them is applied: the room should end up as last asked, and
 * the ones in between are answered `superseded`.
 */
export class SceneRequests {
  private readonly queues = new Map<string, RoomQueue>();

  constructor(private readonly options: SceneRequestsOptions) {}

  async start(): Promise<void> {
    const { mqtt, topics } = this.options;
    await mqtt.subscribe(topics.anySceneSet(), (topic, payload, retained) => this.handle(topic, payload, retained), 1);
  }

  /** Stops taking requests and resolves once the scenes already taken (under way or waiting) are done. */
  async stop(): Promise<void> {
    await this.options.mqtt.unsubscribe(this.options.topics.anySceneSet());
    await Promise.all([...this.queues.values()].map((queue) => queue.running));
  }

  private async handle(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    const { topics, rooms, metrics, logger } = this.options;
    if (retained) {
      // A retained request would be replayed by the broker on every reconnect and re-apply an old scene.
      metrics.sceneCalls.inc({ outcome: "retained" });
      logger.warn(`ignored retained scene request on '${topic}' (publish scene requests without the retain flag)`);
      return;
    }
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
    await this.enqueue(room, settings.area, parsed.scene);
  }

  /** Applies the scene now if the room is idle; otherwise it waits, replacing (and answering) an older waiter. */
  private async enqueue(room: string, area: string, scene: Scene): Promise<void> {
    const queue = this.queues.get(room);
    if (queue === undefined) {
      const running = this.drain(room, area, scene);
      this.queues.set(room, { running });
      await running;
      return;
    }
    const superseded = queue.waiting;
    queue.waiting = scene;
    if (superseded !== undefined) {
      await this.supersede(room, superseded);
    }
  }

  private async drain(room: string, area: string, first: Scene): Promise<void> {
    try {
      for (let scene: Scene | undefined = first; scene !== undefined; scene = this.takeWaiting(room)) {
        await this.applyLogged(room, area, scene);
      }
    } finally {
      this.queues.delete(room);
    }
  }

  private takeWaiting(room: string): Scene | undefined {
    const queue = this.queues.get(room);
    const next = queue?.waiting;
    if (queue !== undefined) {
      queue.waiting = undefined;
    }

    return next;
  }

  private async supersede(room: string, scene: Scene): Promise<void> {
    const name = scene.name ?? "custom";
    const error = { code: "superseded", message: "a newer scene request for the room arrived while it waited" };
    this.options.metrics.sceneCalls.inc({ outcome: "superseded" });
    this.options.logger.info(`skipped scene '${name}' for room '${room}' (${error.message})`);
    await this.publish(this.outcome({ scene: name, status: "error", error, transaction: scene.transaction }), room);
  }

  /** Applies one scene; a failure (say, MQTT gone while publishing the outcome) must not strand the waiting one. */
  private async applyLogged(room: string, area: string, scene: Scene): Promise<void> {
    try {
      await this.apply(room, area, scene);
    } catch (error) {
      const name = scene.name ?? "custom";
      this.options.logger.error(`failed to apply scene '${name}' to room '${room}' (${(error as Error).message})`);
    }
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
