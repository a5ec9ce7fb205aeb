import type { RoomConfig } from "../config/schema.js";

interface EntityEntry {
  entity_id: string;
  area_id?: string | null;
  device_id?: string | null;
}

interface DeviceEntry {
  id: string;
  area_id?: string | null;
}

/** The domains whose manual changes pause a room: the ones scenes set. */
const WATCHED_DOMAINS = new Set(["light", "media_player", "climate"]);

/**
 * Which room an entity belongs to, from Home Assistant's entity and device registries: an entity's own area, or
 * else its device's area, mapped to the room whose `area` it is.
 */
export class EntityRooms {
  private readonly byEntity = new Map<string, string>();
  private readonly roomsByArea = new Map<string, string>();

  constructor(rooms: Record<string, RoomConfig>) {
    for (const [room, settings] of Object.entries(rooms)) {
      this.roomsByArea.set(settings.area, room);
    }
  }

  /** Rebuilds the map from fresh registry listings. */
  update(entities: readonly EntityEntry[], devices: readonly DeviceEntry[]): void {
    const deviceAreas = new Map(devices.map((device) => [device.id, device.area_id ?? undefined]));
    this.byEntity.clear();
    for (const entity of entities) {
      const area = entity.area_id ?? (entity.device_id ? deviceAreas.get(entity.device_id) : undefined);
      const room = area === undefined ? undefined : this.roomsByArea.get(area);
      if (room !== undefined) {
        this.byEntity.set(entity.entity_id, room);
      }
    }
  }

  /** The room of a light, media player or thermostat; undefined for anything else. */
  roomOf(entityId: string): string | undefined {
    const domain = entityId.split(".")[0] ?? "";

    return WATCHED_DOMAINS.has(domain) ? this.byEntity.get(entityId) : undefined;
  }

  get size(): number {
    return this.byEntity.size;
  }
}
