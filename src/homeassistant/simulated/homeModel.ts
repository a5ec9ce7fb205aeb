import type { HaContext, HaState } from "../types.js";
import { type AreaEntry, seedArea } from "./devices.js";
import { describeFields, validateFields } from "./fields.js";
import { type Change, SERVICES, ServiceFailure, type ServiceSpec } from "./services.js";
import { haTime } from "./stamps.js";

/** An event the home fires, before it is framed for each subscriber. */
export interface HomeEvent {
  event_type: string;
  data: Record<string, unknown>;
  origin: "LOCAL";
  time_fired: string;
  context: HaContext;
}

/** A `call_service` message's fields. */
export interface ServiceRequest {
  domain: unknown;
  service: unknown;
  service_data?: unknown;
  target?: unknown;
}

const TARGET_KEYS = ["entity_id", "device_id", "area_id", "floor_id", "label_id"];

/**
 * The simulated home's entities, registries and services, without any networking: a service call becomes
 * state changes (all checked before any is made) and the events they fire.
 */
export class HomeModel {
  private readonly states = new Map<string, HaState>();
  private readonly areas: AreaEntry[] = [];
  private readonly devices: Record<string, unknown>[] = [];
  private readonly entities: Record<string, unknown>[] = [];
  private readonly scenes = new Map<string, Record<string, Change>>();
  private readonly areaOf = new Map<string, string>();
  private readonly deviceOf = new Map<string, string>();

  constructor(areas: { id: string; name: string }[]) {
    for (const { id, name } of areas) {
      this.addArea(id, name);
    }
  }

  state(entityId: string): HaState | undefined {
    const state = this.states.get(entityId);

    return state === undefined ? undefined : structuredClone(state);
  }

  allStates(): HaState[] {
    return structuredClone([...this.states.values()]);
  }

  areaList(): AreaEntry[] {
    return structuredClone(this.areas);
  }

  deviceList(): Record<string, unknown>[] {
    return structuredClone(this.devices);
  }

  entityList(): Record<string, unknown>[] {
    return structuredClone(this.entities);
  }

  /** The `get_services` answer: an object keyed by domain, then service. */
  describeServices(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [domain, services] of Object.entries(SERVICES)) {
      out[domain] = {};
      for (const [service, spec] of Object.entries(services)) {
        const target = spec.entityDomain === undefined ? {} : { target: { entity: [{ domain: [spec.entityDomain] }] } };
        out[domain][service] = { name: "", description: "", fields: describeFields(spec.fields), ...target };
      }
    }

    return out;
  }

  /** Runs a service call; throws {@link ServiceFailure} with Home Assistant's code and message. */
  callService(request: ServiceRequest, context: HaContext): HomeEvent[] {
    const { domain, service } = request;
    const spec = typeof domain === "string" && typeof service === "string" ? SERVICES[domain]?.[service] : undefined;
    if (spec === undefined) {
      throw notFound(String(domain), String(service));
    }

    const data = checkData(spec, request.service_data);
    if (spec.entityDomain === undefined) {
      return [this.event("logbook_entry", data, context)];
    }

    const ids = this.resolveTargets(spec.entityDomain, request.target, data.entity_id);
    const changes = spec.entityDomain === "scene" ? this.sceneChanges(ids) : applyAll(spec, ids, this.states, data);

    return this.commit(changes, context);
  }

  /** Changes an entity as a person or a device would; returns the event, or nothing if nothing changed. */
  change(entityId: string, change: Change, context: HaContext): HomeEvent | undefined {
    if (!this.states.has(entityId)) {
      throw new Error(`unknown entity '${entityId}'`);
    }

    return this.commit([[entityId, change]], context)[0];
  }

  private addArea(areaId: string, name: string): void {
    const seed = seedArea(areaId, name);
    this.areas.push(seed.area);
    this.devices.push(...seed.devices);
    this.entities.push(...seed.entities);
    for (const state of seed.states) {
      this.states.set(state.entity_id, state);
      this.areaOf.set(state.entity_id, areaId);
    }
    for (const entry of seed.entities) {
      if (typeof entry.device_id === "string") {
        this.deviceOf.set(String(entry.entity_id), entry.device_id);
      }
    }
    for (const [sceneId, members] of seed.scenes) {
      this.scenes.set(sceneId, members);
    }
  }

  private resolveTargets(entityDomain: string, target: unknown, legacyIds: unknown): string[] {
    const wanted = parseTarget(target);
    if (Array.isArray(legacyIds)) {
      wanted.entity_id.push(...(legacyIds as string[]));
    }
    const inDomain = [...this.states.keys()].filter((id) => id.startsWith(`${entityDomain}.`));

    // Entity ids that do not exist are skipped without an error, as Home Assistant does.
    return inDomain.filter(
      (id) =>
        wanted.entity_id.includes(id) ||
        wanted.area_id.includes(this.areaOf.get(id) ?? "") ||
        wanted.device_id.includes(this.deviceOf.get(id) ?? ""),
    );
  }

  private sceneChanges(sceneIds: string[]): [string, Change][] {
    const changes: [string, Change][] = [];
    for (const sceneId of sceneIds) {
      const members = this.scenes.get(sceneId) ?? {};
      changes.push([sceneId, { state: haTime() }]);
      for (const [entityId, change] of Object.entries(members)) {
        changes.push([entityId, change]);
      }
    }

    return changes;
  }

  private commit(changes: [string, Change][], context: HaContext): HomeEvent[] {
    const events: HomeEvent[] = [];
    for (const [entityId, change] of changes) {
      const old = this.states.get(entityId);
      const next = old === undefined ? undefined : nextState(old, change, context);
      if (old === undefined || next === undefined) {
        continue;
      }

      this.states.set(entityId, next);
      const data = { entity_id: entityId, old_state: structuredClone(old), new_state: structuredClone(next) };
      events.push(this.event("state_changed", data, context, next.last_updated));
    }

    return events;
  }

  private event(type: string, data: Record<string, unknown>, context: HaContext, at = haTime()): HomeEvent {
    return { event_type: type, data, origin: "LOCAL", time_fired: at, context };
  }
}

function notFound(domain: string, service: string): ServiceFailure {
  return new ServiceFailure("not_found", `Service ${domain}.${service} not found.`, {
    key: "service_not_found",
    domain: "homeassistant",
    placeholders: { domain, service },
  });
}

function checkData(spec: ServiceSpec, serviceData: unknown): Record<string, unknown> {
  const raw = serviceData ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ServiceFailure("invalid_format", "expected dict for dictionary value @ data['service_data']");
  }

  const checked = validateFields(spec.fields, raw as Record<string, unknown>);
  if (!checked.ok) {
    throw new ServiceFailure("invalid_format", checked.message);
  }

  if (spec.atLeastOne !== undefined && !spec.atLeastOne.some((key) => key in checked.data)) {
    throw new ServiceFailure("invalid_format", `must contain at least one of ${spec.atLeastOne.join(", ")}.`);
  }

  return checked.data;
}

function parseTarget(target: unknown): Record<"entity_id" | "device_id" | "area_id", string[]> {
  const out = { entity_id: [] as string[], device_id: [] as string[], area_id: [] as string[] };
  if (target === undefined || target === null) {
    return out;
  }

  if (typeof target !== "object" || Array.isArray(target)) {
    throw new ServiceFailure("invalid_format", "expected dict for dictionary value @ data['target']");
  }

  for (const [key, value] of Object.entries(target)) {
    const ids = typeof value === "string" ? [value] : value;
    if (!TARGET_KEYS.includes(key)) {
      throw new ServiceFailure("invalid_format", `extra keys not allowed @ data['target']['${key}']`);
    }

    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) {
      throw new ServiceFailure("invalid_format", `expected str for dictionary value @ data['target']['${key}']`);
    }

    if (key in out) {
      out[key as keyof typeof out].push(...(ids as string[]));
    }
  }

  return out;
}

// Works out every entity's change first, so a refusal for one entity leaves all of them untouched.
function applyAll(spec: ServiceSpec, ids: string[], states: Map<string, HaState>, data: Record<string, unknown>) {
  const changes: [string, Change][] = [];
  for (const id of ids) {
    const state = states.get(id);
    if (state !== undefined && spec.apply !== undefined) {
      changes.push([id, spec.apply(state, data)]);
    }
  }

  return changes;
}

function nextState(old: HaState, change: Change, context: HaContext): HaState | undefined {
  const attributes: Record<string, unknown> = { ...old.attributes };
  for (const [key, value] of Object.entries(change.attributes ?? {})) {
    if (value === undefined) {
      delete attributes[key];
    } else {
      attributes[key] = value;
    }
  }
  const state = change.state ?? old.state;
  // Home Assistant fires no state_changed when neither the state nor an attribute changed.
  if (state === old.state && JSON.stringify(attributes) === JSON.stringify(old.attributes)) {
    return undefined;
  }

  const now = haTime();

  return {
    entity_id: old.entity_id,
    state,
    attributes,
    last_changed: state === old.state ? old.last_changed : now,
    last_updated: now,
    context,
  };
}
