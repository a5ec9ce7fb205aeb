import type { HomeAssistantClient } from "../homeassistant/client.js";
import type { StateChangedEvent } from "../homeassistant/types.js";
import type { Logger } from "../logger.js";
import type { OverrideTracker } from "../override/overrideTracker.js";
import type { EntityRooms } from "./entityRooms.js";

export interface HomeWatcherOptions {
  client: HomeAssistantClient;
  entityRooms: EntityRooms;
  override: OverrideTracker;
  logger: Logger;
  /** A person changed something in the room, and its automatic scenes now pause. */
  onPaused: (room: string, entityId: string, until: number) => Promise<void>;
  /** Connection state changed. */
  onConnection: (connected: boolean) => void;
}

/**
 * Follows Home Assistant: learns on every connect which user the hub is and which room each device is in, and
 * turns state changes that are not the hub's own into pauses of the room's automatic scenes.
 */
export class HomeWatcher {
  constructor(private readonly options: HomeWatcherOptions) {}

  start(): void {
    const { client } = this.options;
    // Learn who the hub is before reporting the connection, so no early change of its own looks foreign.
    client.on("connected", () => {
      void this.learn().finally(() => this.options.onConnection(true));
    });
    client.on("disconnected", () => this.options.onConnection(false));
    client.on("state_changed", (event) => {
      void this.onStateChanged(event);
    });
  }

  private async learn(): Promise<void> {
    const { client, entityRooms, override, logger } = this.options;
    try {
      const user = await client.currentUser();
      override.noteOwnUser(user.id);
      const [entities, devices] = await Promise.all([
        client.command<Parameters<EntityRooms["update"]>[0]>("config/entity_registry/list"),
        client.command<{ id: string; area_id?: string | null }[]>("config/device_registry/list"),
      ]);
      entityRooms.update(entities, devices);
      logger.info(`watching ${entityRooms.size} Home Assistant entities in the configured rooms' areas`);
    } catch (error) {
      logger.warn(`failed to read Home Assistant's user and registries (${(error as Error).message})`);
    }
  }

  private async onStateChanged(event: StateChangedEvent): Promise<void> {
    const { entityRooms, override } = this.options;
    const entityId = event.data.entity_id;
    const room = entityRooms.roomOf(entityId);
    if (room === undefined) {
      return;
    }
    const verdict = override.onStateChanged(room, event);
    if (verdict.changed) {
      await this.options.onPaused(room, entityId, override.pausedUntil(room) ?? Date.now());
    }
  }
}
