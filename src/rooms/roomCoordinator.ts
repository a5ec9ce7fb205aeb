import type { RoomConfig } from "../config/schema.js";
import { hubEvent, logbookEntry } from "../explain/explanation.js";
import type { Logger } from "../logger.js";
import type { MoodTracker } from "../mood/moodTracker.js";
import type { MqttClient } from "../mqtt/client.js";
import type { ActiveScene, HubEvent, MoodEvent, SceneOutcome, Topics } from "../mqtt/topics.js";
import type { OverrideTracker } from "../override/overrideTracker.js";
import type { Scene } from "../scenes/scene.js";
import type { OverrideSetting, RoomControls } from "./roomControls.js";
import type { Refusal } from "./sceneRequests.js";

export interface RoomCoordinatorOptions {
  rooms: Record<string, RoomConfig>;
  mqtt: MqttClient;
  topics: Topics;
  mood: MoodTracker;
  override: OverrideTracker;
  controls: () => RoomControls | undefined;
  publishMood: (change: MoodEvent) => Promise<void>;
  /** The real entity id of the room's mood sensor from Home Assistant's registry, when it is known. */
  moodEntityId?: (room: string) => string | undefined;
  /** Writes a logbook entry through Home Assistant; resolves to the call's context id. */
  logbook: (entry: ReturnType<typeof logbookEntry>) => Promise<string | undefined>;
  logger: Logger;
}

function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

/**
 * What a room does beyond its mood: whether a scene may be applied now (hub and room switches, manual-override
 * pauses), what a person's override and reset do, and the explanations (logbook, `<base>/events`) that tell
 * people why their home changed.
 */
export class RoomCoordinator {
  private readonly lastScene = new Map<string, string>();
  private readonly lastMood = new Map<string, MoodEvent>();

  constructor(private readonly options: RoomCoordinatorOptions) {}

  /** Remembers the latest mood of each room, for explanations, and tells the event stream why it changed. */
  async noteMood(change: MoodEvent): Promise<void> {
    this.lastMood.set(change.room, change);
    const reason = change.reason ?? "classified";
    const why = reason === "classified" ? `classified (${Math.round(change.confidence * 100)} %)` : reason;
    await this.publishEvent(hubEvent("mood_changed", change.room, change.previous, change.mood, why, change.since));
  }

  /** Why a scene may not be applied to the room now, if it may not. */
  sceneRefusal(room: string): Refusal | undefined {
    const controls = this.options.controls();
    if (controls?.enabled === false) {
      return { code: "disabled", message: "the hub is switched off" };
    }
    if (controls?.room(room).automation === false) {
      return { code: "automation_off", message: "automatic scenes are off for this room" };
    }
    const until = this.options.override.pausedUntil(room);
    if (until !== undefined && this.options.override.isPaused(room)) {
      return { code: "paused", message: `paused by a manual change until ${clock(until)}` };
    }

    return undefined;
  }

  /** Records the hub's own calls and explains the outcome in the logbook and on the event stream. */
  async explainScene(room: string, scene: Scene, outcome: SceneOutcome, contexts: string[]): Promise<void> {
    const { override } = this.options;
    for (const context of contexts) {
      override.noteOwnCall(room, context);
    }
    const before = this.lastScene.get(room) ?? null;
    if (outcome.status === "error") {
      const reason = outcome.error?.message ?? "";
      await this.publishEvent(hubEvent("scene_failed", room, before, outcome.scene, reason, outcome.at));
      return;
    }
    const mood = this.lastMood.get(room) ?? this.options.mood.current(room);
    const reason = `mood ${mood.mood} (${Math.round(mood.confidence * 100)} %)`;
    this.lastScene.set(room, outcome.scene);
    const active: ActiveScene = { scene: outcome.scene, at: outcome.at };
    await this.options.mqtt.publish(this.options.topics.activeScene(room), active, { retain: true });
    await this.publishEvent(hubEvent("scene_applied", room, before, outcome.scene, reason, outcome.at));
    await this.writeLogbook(room, mood, scene.name ?? "custom");
  }

  /**
   * Forces the room's mood, or on `auto` brings back the detected mood as it was before the override. A forced
   * mood ends a pause first: picking a mood is a person asking for its scene, and their latest wish wins.
   */
  async applyOverride(room: string, setting: OverrideSetting): Promise<void> {
    this.options.logger.info(`mood override for room '${room}' set to ${setting}`);
    const { mood, override } = this.options;
    if (setting !== "auto" && override.resume(room)) {
      this.options.logger.info(`automatic scenes for room '${room}' resumed (mood override)`);
      await this.publishPaused(room, false, "mood override");
    }
    const change = setting === "auto" ? mood.release(room, "auto") : mood.force(room, setting, "override");
    if (change !== undefined) {
      await this.options.publishMood(change);
    }
  }

  async resetRoom(room: string): Promise<void> {
    this.options.logger.info(`room '${room}' reset to neutral`);
    if (this.options.override.resume(room)) {
      await this.publishPaused(room, false, "reset");
    }
    const change = this.options.mood.reset(room);
    if (change !== undefined) {
      await this.options.publishMood(change);
    }
  }

  async onPaused(room: string, entityId: string, until: number): Promise<void> {
    const { logger } = this.options;
    logger.info(`automatic scenes for room '${room}' paused until ${clock(until)} (manual change of '${entityId}')`);
    await this.publishPaused(room, true, `manual change of ${entityId}`);
  }

  /** Returns quiet rooms to neutral and ends pauses whose hold time is over. */
  async tick(): Promise<void> {
    for (const change of this.options.mood.tick()) {
      await this.options.publishMood(change);
    }
    for (const room of this.options.override.tick()) {
      this.options.logger.info(`automatic scenes for room '${room}' resumed`);
      await this.publishPaused(room, false, "hold time over");
    }
  }

  private async writeLogbook(room: string, mood: MoodEvent, sceneName: string): Promise<void> {
    const entityId = this.options.moodEntityId?.(room);
    const entry = logbookEntry({ id: room, name: this.options.rooms[room]?.name }, mood, sceneName, entityId);
    try {
      const context = await this.options.logbook(entry);
      if (context !== undefined) {
        this.options.override.noteOwnCall(room, context);
      }
    } catch (error) {
      this.options.logger.warn(`failed to call logbook.log for room '${room}' (${(error as Error).message})`);
    }
  }

  private async publishPaused(room: string, paused: boolean, reason: string): Promise<void> {
    const type: HubEvent["type"] = paused ? "override_started" : "override_ended";
    await this.options.mqtt.publish(this.options.topics.paused(room), paused ? "ON" : "OFF", { retain: true });
    await this.publishEvent(hubEvent(type, room, !paused, paused, reason, Date.now()));
  }

  private async publishEvent(event: HubEvent): Promise<void> {
    await this.options.mqtt.publish(this.options.topics.events(), event);
  }
}
