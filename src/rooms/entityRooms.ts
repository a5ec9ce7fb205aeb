import type { RoomConfig } from "../config/schema.js";
import { moodUniqueId } from "../discovery/naming.js";

interface EntityEntry {
  entity_id: string;
  area_id?: string | null;
  device_id?: string | null;
  unique_id?: string | null;
  platform?: string | null;
}

interface DeviceEntry {
  id: string;
  area_id?: string | null;
}

/** The domains whose manual changes pause a room: the ones scenes set. */
const WATCHED_DOMAINS = new Set(["light", "media_player", "climate"]);

/**
 * Which room an entity belongs to, from Home Assistant's entity and device registries: an entity's own area, or
 * else its device's area, mapped to the room whose `area` it is. Also the real entity id of each room's mood
 * sensor, which a person may have renamed from the one the hub suggested.
 */
export class EntityRooms {
  private readonly byEntity = new Map<string, string>();
  private readonly roomsByArea = new Map<string, string>();
  private readonly roomsByMoodId = new Map<string, string>();
  private readonly moodEntities = new Map<string, string>();

  /** `hubId` is `discovery.hubId`, the start of the mood sensors' unique ids; without it none are looked up. */
  constructor(rooms: Record<string, RoomConfig>, hubId?: string) {
    for (const [room, settings] of Object.entries(rooms)) {
      this.roomsByArea.set(settings.area, room);
      if (hubId !== undefined) {
        this.roomsByMoodId.set(moodUniqueId(hubId, room), room);
      }
    }
  }

  /** Rebuilds the map from fresh registry listings. */
  update(entities: readonly EntityEntry[], devices: readonly DeviceEntry[]): void {
    const deviceAreas = new Map(devices.map((device) => [device.id, device.area_id ?? undefined]));
    this.byEntity.clear();
    this.moodEntities.clear();
    for (const entity of entities) {
      this.noteMoodSensor(entity);
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

  /** The entity id Home Assistant gave the room's mood sensor, or undefined before the registry was read. */
  moodEntityOf(room: string): string | undefined {
    return this.moodEntities.get(room);
  }

  get size(): number {
    return this.byEntity.size;
  }

  private noteMoodSensor(entity: EntityEntry): void {
    const room = entity.platform === "mqtt" && entity.unique_id ? this.roomsByMoodId.get(entity.unique_id) : undefined;
    if (room !== undefined) {
      this.moodEntities.set(room, entity.entity_id);
    }
  }
}
