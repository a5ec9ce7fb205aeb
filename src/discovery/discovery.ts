import type { Logger } from "../logger.js";
import type { MqttClient } from "../mqtt/client.js";
import { type DiscoveryRecord, ROOM_ID_PATTERN, type Topics } from "../mqtt/topics.js";
import {
  type DiscoveryContext,
  type DiscoveryMessage,
  hubDevice,
  removalFor,
  roomDevice,
} from "./discoveryPayloads.js";
import { deviceConfigTopic, roomObjectId } from "./naming.js";

export interface DiscoveryOptions {
  mqtt: MqttClient;
  topics: Topics;
  /** Home Assistant's discovery prefix (`discovery.prefix`). */
  prefix: string;
  /** `discovery.hubId`. */
  hubId: string;
  version: string;
  rooms: Record<string, { name?: string; area: string }>;
  /** Used as given: pass a child logger such as `logger.child({ module: "discovery" })`. */
  logger: Logger;
  /** Where people get help, for `origin.support_url`; left out when not given. */
  supportUrl?: string;
  /** Wait after Home Assistant's birth message before re-publishing; default a random 1-5 s, so hubs don't stampede. */
  birthDelayMs?: number;
  /** How long `start()` waits for its own index to come back from the broker; default 10 s. */
  indexTimeoutMs?: number;
}

const INDEX_TIMEOUT_MS = 10_000;
const OBJECT_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * Announces the hub and its rooms to Home Assistant through MQTT device discovery. Configs are published
 * retained at start and again whenever Home Assistant says `online` on `<prefix>/status`. What was announced
 * is kept retained on `<base>/hub/discovery` (`{"prefix", "hubId", "rooms"}`); at start the previous record is
 * read back, and the devices of rooms no longer configured (or of an old prefix or hub id) are removed with an
 * empty retained payload, together with those rooms' retained states.
 */
export class Discovery {
  private readonly options: DiscoveryOptions;
  private readonly ctx: DiscoveryContext;
  private readonly logger: Logger;
  private running = false;
  private birthTimer: NodeJS.Timeout | undefined;

  constructor(options: DiscoveryOptions) {
    if (options.prefix === "" || /[+#]/.test(options.prefix)) {
      throw new Error(`invalid discovery prefix '${options.prefix}' (must be a topic without '+' or '#')`);
    }
    this.options = options;
    this.ctx = {
      topics: options.topics,
      prefix: options.prefix,
      hubId: options.hubId,
      version: options.version,
      supportUrl: options.supportUrl,
    };
    this.logger = options.logger;
  }

  /** Every device config this hub publishes, in publishing order (the hub first, then each room). */
  messages(): DiscoveryMessage[] {
    const rooms = Object.entries(this.options.rooms).map(([id, room]) => roomDevice(this.ctx, id, room));

    return [hubDevice(this.ctx), ...rooms];
  }

  /**
   * Publishes every device config retained, removes devices of rooms that left the config, and starts
   * listening for Home Assistant's birth message. Resolves when all of it has reached the broker.
   */
  async start(): Promise<void> {
    this.running = true;
    await this.options.mqtt.subscribe(this.statusTopic(), (_topic, payload, retained) =>
      this.onHomeAssistantStatus(payload.toString(), retained),
    );
    await this.publishAndPrune();
  }

  /** Publishes every device config again, retained. */
  async republish(): Promise<void> {
    const messages = this.messages();
    for (const { topic, payload } of messages) {
      await this.options.mqtt.publish(topic, JSON.stringify(payload), { retain: true, qos: 1 });
    }
    this.logger.info(`published Home Assistant discovery for ${messages.length} devices`);
  }

  /** Stops listening for the birth message. Devices stay; the hub's last will marks them unavailable. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.birthTimer);
    this.birthTimer = undefined;
    // Offline, an unsubscribe would wait for a reconnect that may never come; the handler is idle anyway.
    if (this.options.mqtt.connected) {
      await this.options.mqtt.unsubscribe(this.statusTopic());
    }
  }

  private statusTopic(): string {
    return `${this.options.prefix}/status`;
  }

  /**
   * Reads the previous index while publishing the new one. The broker sends the retained index on subscribe
   * before it forwards anything published later to that topic, so once our own index comes back every older
   * one has been seen.
   */
  private async publishAndPrune(): Promise<void> {
    const index: DiscoveryRecord = {
      prefix: this.options.prefix,
      hubId: this.options.hubId,
      rooms: Object.keys(this.options.rooms),
    };
    const ours = JSON.stringify(index);
    const removals: Promise<void>[] = [];
    let echoed: () => void = () => {};
    const echo = new Promise<void>((resolve) => {
      echoed = resolve;
    });
    await this.options.mqtt.subscribe(
      this.options.topics.hubDiscovery(),
      (_topic, payload, retained) => {
        if (retained) {
          removals.push(this.removeStale(payload.toString()));
        } else if (payload.toString() === ours) {
          echoed();
        }
      },
      1,
    );
    await this.republish();
    await this.options.mqtt.publish(this.options.topics.hubDiscovery(), ours, { retain: true, qos: 1 });
    await this.awaitEcho(echo);
    await Promise.all(removals);
    await this.options.mqtt.unsubscribe(this.options.topics.hubDiscovery());
  }

  private async awaitEcho(echo: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.indexTimeoutMs ?? INDEX_TIMEOUT_MS;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const confirmed = await Promise.race([echo.then(() => true), timeout]);
    clearTimeout(timer);
    if (!confirmed) {
      this.logger.warn(
        `failed to read back '${this.options.topics.hubDiscovery()}' (no reply in ${timeoutMs} ms; stale rooms may remain)`,
      );
    }
  }

  private async removeStale(text: string): Promise<void> {
    const previous = parseIndex(text);
    if (previous === undefined) {
      this.logger.warn(
        `ignored the previous discovery record on '${this.options.topics.hubDiscovery()}' (not a valid record)`,
      );
      return;
    }
    const current = new Set(this.messages().map((message) => message.topic));
    const stale = this.staleTopics(previous).filter((topic) => !current.has(topic));
    for (const topic of stale) {
      await this.options.mqtt.publish(topic, "", { retain: true, qos: 1 });
    }
    for (const room of previous.rooms.filter((id) => !(id in this.options.rooms))) {
      this.logger.info(`removed Home Assistant device for room '${room}' (no longer configured)`);
    }
    if (previous.prefix !== this.options.prefix || previous.hubId !== this.options.hubId) {
      this.logger.info(`removed Home Assistant devices of hub '${previous.hubId}' (prefix or hub id changed)`);
    }
  }

  /** Topics to clear: a departed room's device and states; an old prefix's or hub id's devices alone. */
  private staleTopics(previous: DiscoveryRecord): string[] {
    const old = { topics: this.options.topics, prefix: previous.prefix, hubId: previous.hubId };
    const moved = previous.prefix !== this.options.prefix || previous.hubId !== this.options.hubId;
    const topics = moved ? removalFor(old) : [];
    for (const room of previous.rooms) {
      if (!(room in this.options.rooms)) {
        topics.push(...removalFor(old, room));
      } else if (moved) {
        topics.push(deviceConfigTopic(previous.prefix, roomObjectId(previous.hubId, room)));
      }
    }

    return topics;
  }

  private onHomeAssistantStatus(status: string, retained: boolean): void {
    // A retained birth only replays what start() has just answered; a live one means Home Assistant (re)started.
    if (!this.running || retained || status.trim() !== "online" || this.birthTimer !== undefined) {
      return;
    }
    const delay = this.options.birthDelayMs ?? 1000 + Math.random() * 4000;
    this.birthTimer = setTimeout(() => {
      this.birthTimer = undefined;
      this.republish().catch((error: Error) => {
        this.logger.warn(`failed to publish Home Assistant discovery (${error.message})`);
      });
    }, delay);
  }
}

function parseIndex(text: string): DiscoveryRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const index = value as Partial<DiscoveryRecord> | null;
  const valid =
    typeof index?.prefix === "string" &&
    index.prefix !== "" &&
    !/[+#]/.test(index.prefix) &&
    typeof index.hubId === "string" &&
    OBJECT_ID.test(index.hubId) &&
    Array.isArray(index.rooms) &&
    index.rooms.every((room) => typeof room === "string" && ROOM_ID_PATTERN.test(room));

  return valid ? (index as DiscoveryRecord) : undefined;
}
