import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { HOLD_TIME_SECONDS } from "../config/schema.js";
import { type EmotionLabel, isEmotionLabel } from "../emotion/labels.js";
import type { Logger } from "../logger.js";
import type { MqttClient } from "../mqtt/client.js";
import type { Topics } from "../mqtt/topics.js";

export type OverrideSetting = EmotionLabel | "auto";

/** What a person set for a room from Home Assistant or MQTT. */
export interface RoomSettings {
  automation: boolean;
  override: OverrideSetting;
  /** Set by a person, in seconds; until then the configured `override.holdTime` applies. */
  holdSeconds?: number;
}

interface StoredSettings {
  enabled: boolean;
  rooms: Record<string, RoomSettings>;
}

export interface RoomControlsOptions {
  mqtt: MqttClient;
  topics: Topics;
  rooms: string[];
  /** The configured `override.holdTime`, in seconds. */
  defaultHoldSeconds: number;
  /** JSON file the settings survive restarts in; undefined keeps them in memory only. */
  file?: string;
  logger: Logger;
  onOverride: (room: string, setting: OverrideSetting) => void | Promise<void>;
  onReset: (room: string) => void | Promise<void>;
  onHoldTime: (room: string, seconds: number) => void;
  /** Whether the room's automatic scenes are paused by a manual change right now. */
  paused: (room: string) => boolean;
}

/**
 * The controls people see in Home Assistant: the hub's on/off switch and, per room, automation on/off, a mood
 * override, the hold time after a manual change and a reset button. Commands arrive on `<state topic>/set`;
 * states are published retained and kept in a small file so that they survive restarts.
 */
export class RoomControls {
  private readonly settings: StoredSettings;

  constructor(private readonly options: RoomControlsOptions) {
    this.settings = this.load();
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  room(room: string): RoomSettings {
    let settings = this.settings.rooms[room];
    if (settings === undefined) {
      settings = { automation: true, override: "auto" };
      this.settings.rooms[room] = settings;
    }

    return settings;
  }

  async start(): Promise<void> {
    const { mqtt, topics } = this.options;
    await mqtt.subscribe(topics.set(topics.hubEnabled()), (_t, payload) => this.setEnabled(payload.toString()));
    await mqtt.subscribe(topics.set(topics.automation("+")), (t, p) =>
      this.setAutomation(this.roomOf(t), p.toString()),
    );
    await mqtt.subscribe(topics.set(topics.override("+")), (t, p) => this.setOverride(this.roomOf(t), p.toString()));
    await mqtt.subscribe(topics.set(topics.hold("+")), (t, p) => this.setHold(this.roomOf(t), p.toString()));
    await mqtt.subscribe(topics.reset("+"), (topic) => this.reset(this.roomOf(topic)));
    for (const room of this.options.rooms) {
      const seconds = this.room(room).holdSeconds;
      if (seconds !== undefined) {
        this.options.onHoldTime(room, seconds);
      }
    }
    await this.publishAll();
    // A mood forced before a restart is forced again, so the mood tracker knows it holds.
    for (const room of this.options.rooms) {
      const setting = this.room(room).override;
      if (setting !== "auto") {
        await this.options.onOverride(room, setting);
      }
    }
  }

  /**
   * Publishes every state again, retained (on start and after a reconnect). The pause goes too: it lives only in
   * memory, so after a restart it is OFF, and a retained ON from before would otherwise show paused forever.
   */
  async publishAll(): Promise<void> {
    const { mqtt, topics } = this.options;
    await mqtt.publish(topics.hubEnabled(), onOff(this.settings.enabled), { retain: true });
    for (const room of this.options.rooms) {
      await this.publishRoom(room);
    }
  }

  private async publishSettings(room: string): Promise<void> {
    const { mqtt, topics } = this.options;
    const settings = this.room(room);
    await mqtt.publish(topics.automation(room), onOff(settings.automation), { retain: true });
    await mqtt.publish(topics.override(room), settings.override, { retain: true });
    const hold = settings.holdSeconds ?? this.options.defaultHoldSeconds;
    await mqtt.publish(topics.hold(room), String(hold), { retain: true });
  }

  private async publishRoom(room: string): Promise<void> {
    await this.publishSettings(room);
    await this.options.mqtt.publish(this.options.topics.paused(room), onOff(this.options.paused(room)), {
      retain: true,
    });
  }

  private roomOf(topic: string): string | undefined {
    const room = this.options.topics.roomOf(topic);

    return room !== undefined && this.options.rooms.includes(room) ? room : undefined;
  }

  private async setEnabled(value: string): Promise<void> {
    const on = parseOnOff(value);
    if (on === undefined) {
      this.options.logger.warn(`ignored hub switch command (expected ON or OFF)`);
      return;
    }
    this.settings.enabled = on;
    this.options.logger.info(`hub switched ${on ? "on" : "off"}`);
    this.save();
    await this.options.mqtt.publish(this.options.topics.hubEnabled(), onOff(on), { retain: true });
  }

  private async setAutomation(room: string | undefined, value: string): Promise<void> {
    const on = parseOnOff(value);
    if (room === undefined || on === undefined) {
      this.options.logger.warn(`ignored automation command (unknown room or not ON/OFF)`);
      return;
    }
    this.room(room).automation = on;
    this.options.logger.info(`automatic scenes for room '${room}' switched ${on ? "on" : "off"}`);
    this.save();
    await this.publishSettings(room);
  }

  private async setOverride(room: string | undefined, value: string): Promise<void> {
    const setting = value.trim();
    if (room === undefined || (setting !== "auto" && !isEmotionLabel(setting))) {
      this.options.logger.warn(`ignored mood override command (unknown room or mood)`);
      return;
    }
    this.room(room).override = setting;
    this.save();
    await this.publishSettings(room);
    await this.options.onOverride(room, setting);
  }

  private async setHold(room: string | undefined, value: string): Promise<void> {
    const seconds = value.trim() === "" ? Number.NaN : Number(value);
    const { min, max } = HOLD_TIME_SECONDS;
    if (room === undefined || !Number.isInteger(seconds) || seconds < min || seconds > max) {
      this.options.logger.warn(`ignored hold time command (unknown room or not whole seconds from ${min} to ${max})`);
      return;
    }
    this.room(room).holdSeconds = seconds;
    this.options.onHoldTime(room, seconds);
    this.save();
    await this.publishSettings(room);
  }

  private async reset(room: string | undefined): Promise<void> {
    if (room === undefined) {
      this.options.logger.warn(`ignored reset command (unknown room)`);
      return;
    }
    this.room(room).override = "auto";
    this.save();
    await this.publishSettings(room);
    await this.options.onReset(room);
  }

  private load(): StoredSettings {
    const fallback: StoredSettings = { enabled: true, rooms: {} };
    if (this.options.file === undefined) {
      return fallback;
    }
    try {
      const stored = JSON.parse(readFileSync(this.options.file, "utf8")) as Partial<StoredSettings>;
      const rooms = stored.rooms ?? {};
      for (const settings of Object.values(rooms)) {
        fromMinutes(settings as RoomSettings & { holdMinutes?: unknown });
      }

      return { enabled: stored.enabled !== false, rooms };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        this.options.logger.warn(`failed to read room settings '${this.options.file}' (${(error as Error).message})`);
      }
      return fallback;
    }
  }

  private save(): void {
    if (this.options.file === undefined) {
      return;
    }
    try {
      mkdirSync(dirname(this.options.file), { recursive: true });
      writeFileSync(this.options.file, `${JSON.stringify(this.settings, null, 2)}\n`);
    } catch (error) {
      this.options.logger.warn(`failed to save room settings '${this.options.file}' (${(error as Error).message})`);
    }
  }
}

/** Settings saved before the hold time moved to seconds kept it in minutes; they read the same after the move. */
function fromMinutes(settings: RoomSettings & { holdMinutes?: unknown }): void {
  if (typeof settings.holdMinutes === "number" && settings.holdSeconds === undefined) {
    const seconds = Math.round(settings.holdMinutes * 60);
    settings.holdSeconds = Math.min(HOLD_TIME_SECONDS.max, Math.max(HOLD_TIME_SECONDS.min, seconds));
  }
  delete settings.holdMinutes;
}

function onOff(on: boolean): "ON" | "OFF" {
  return on ? "ON" : "OFF";
}

function parseOnOff(value: string): boolean | undefined {
  const upper = value.trim().toUpperCase();

  return upper === "ON" ? true : upper === "OFF" ? false : undefined;
}
