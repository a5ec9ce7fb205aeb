/** The `context` Home Assistant attaches to every event and state. */
export interface HaContext {
  id: string;
  parent_id?: string | null;
  user_id?: string | null;
}

/** An entity state as carried in a `state_changed` event. */
export interface HaState {
  entity_id?: string;
  state: string;
  attributes?: Record<string, unknown>;
  context?: HaContext;
}

/** The parts of a Home Assistant `state_changed` event the tracker reads. */
export interface StateChangedEvent {
  data: { entity_id: string; old_state: HaState | null; new_state: HaState | null };
  context?: HaContext;
}

/** What a state change did to its room. */
export interface OverrideVerdict {
  /** Whether the room is paused after this event. */
  paused: boolean;
  /** Whether this event started the pause (the room was not paused before). */
  changed: boolean;
}

export interface OverrideTrackerOptions {
  /** How long automatic scenes pause after a manual change, by default for every room. */
  holdTimeMs: number;
  /** How long after the hub's own call in a room further changes there still count as the hub's. */
  graceMs: number;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
}

/**
 * Attributes a person notices. Anything else (`last_reported`, media position, derived colour spaces such as
 * `xy_color`) changes without anyone touching the device and must not count as a manual change.
 */
const MEANINGFUL_ATTRIBUTES = [
  "brightness",
  "rgb_color",
  "rgbw_color",
  "rgbww_color",
  "hs_color",
  "color_temp_kelvin",
  "color_temp",
  "effect",
  "volume_level",
  "is_volume_muted",
  "media_content_id",
  "source",
  "temperature",
  "target_temp_high",
  "target_temp_low",
  "preset_mode",
];

/** States a device passes through when it drops off or comes back; nobody chose them. */
const TRANSIENT_STATES = new Set(["unavailable", "unknown"]);

/** Own context ids are remembered at least this long: a long transition reports under the call's context. */
const MIN_CONTEXT_TTL_MS = 10 * 60_000;

/**
 * Tells the hub's own changes from a person's. A change to a room's light, media player or thermostat whose
 * context is not one of the hub's recent calls (nor its user, nor a child of its calls) pauses the room's
 * automatic scenes for the hold time, unless it arrives within the grace period after the hub's own call in
 * that room (devices that report late do so with a fresh context). Pauses end by themselves: the hub calls
 * `tick()` on a timer and learns which rooms resumed.
 */
export class OverrideTracker {
  private readonly defaultHoldMs: number;
  private readonly graceMs: number;
  private readonly now: () => number;
  private readonly ownContexts = new Map<string, number>();
  private readonly ownUsers = new Set<string>();
  private readonly lastOwnCall = new Map<string, number>();
  private readonly holdTimes = new Map<string, number>();
  private readonly pauses = new Map<string, { since: number; until: number }>();

  constructor(options: OverrideTrackerOptions) {
    this.defaultHoldMs = checkDuration("holdTimeMs", options.holdTimeMs);
    this.graceMs = checkDuration("graceMs", options.graceMs);
    this.now = options.now;
  }

  /** Records one of the hub's own service calls in a room; call it when a scene starts, with or without an id. */
  noteOwnCall(room: string, contextId?: string): void {
    const now = this.now();
    this.lastOwnCall.set(room, now);
    if (contextId !== undefined && contextId !== "") {
      this.ownContexts.set(contextId, now + Math.max(this.graceMs, MIN_CONTEXT_TTL_MS));
    }
    this.forgetOldContexts(now);
  }

  /** Records the hub's own Home Assistant user: every change made under it is the hub's. */
  noteOwnUser(userId: string): void {
    this.ownUsers.add(userId);
  }

  /** Judges one `state_changed` event of an entity in `room`, pausing the room when a person made it. */
  onStateChanged(room: string, event: StateChangedEvent): OverrideVerdict {
    const wasPaused = this.isPaused(room);
    if (!isRealChange(event) || this.isOwn(room, event)) {
      return { paused: wasPaused, changed: false };
    }
    const holdMs = this.holdTime(room);
    if (holdMs === 0) {
      return { paused: wasPaused, changed: false };
    }
    const now = this.now();
    // A further manual change during a pause restarts the hold: the person is still busy with the room.
    this.pauses.set(room, { since: now, until: now + holdMs });

    return { paused: true, changed: !wasPaused };
  }

  isPaused(room: string): boolean {
    const pause = this.pauses.get(room);

    return pause !== undefined && pause.until > this.now();
  }

  /** When the room's pause ends, in milliseconds since the epoch, or undefined when it is not paused. */
  pausedUntil(room: string): number | undefined {
    return this.isPaused(room) ? this.pauses.get(room)?.until : undefined;
  }

  /** Ends a pause at once (the reset button). Returns whether the room was paused; `tick()` will not report it. */
  resume(room: string): boolean {
    const wasPaused = this.isPaused(room);
    this.pauses.delete(room);

    return wasPaused;
  }

  /** Sets a room's hold time; a running pause is shortened or lengthened to match. Zero turns pausing off. */
  setHoldTime(room: string, ms: number): void {
    this.holdTimes.set(room, checkDuration("hold time", ms));
    const pause = this.pauses.get(room);
    if (pause !== undefined) {
      pause.until = pause.since + ms;
    }
  }

  /** The room's hold time in milliseconds. */
  holdTime(room: string): number {
    return this.holdTimes.get(room) ?? this.defaultHoldMs;
  }

  /** Rooms whose pause ended since the last call, each reported once. Call it on a timer and on events. */
  tick(): string[] {
    const now = this.now();
    const ended: string[] = [];
    for (const [room, pause] of this.pauses) {
      if (pause.until <= now) {
        this.pauses.delete(room);
        ended.push(room);
      }
    }
    this.forgetOldContexts(now);

    return ended;
  }

  private isOwn(room: string, event: StateChangedEvent): boolean {
    const context = event.context ?? event.data.new_state?.context;
    if (context !== undefined && this.isOwnContext(context)) {
      return true;
    }
    const lastCall = this.lastOwnCall.get(room);

    // Strictly inside the grace period: a grace of 0 means none, even for a change in the same millisecond.
    return lastCall !== undefined && this.now() - lastCall < this.graceMs;
  }

  private isOwnContext(context: HaContext): boolean {
    const now = this.now();
    const known = (id: string | null | undefined) => id != null && (this.ownContexts.get(id) ?? 0) > now;

    return (
      known(context.id) || known(context.parent_id) || (context.user_id != null && this.ownUsers.has(context.user_id))
    );
  }

  private forgetOldContexts(now: number): void {
    for (const [id, expires] of this.ownContexts) {
      if (expires <= now) {
        this.ownContexts.delete(id);
      }
    }
  }
}

/** Whether the state or an attribute a person notices differs; appearing, vanishing or dropping off does not count. */
function isRealChange(event: StateChangedEvent): boolean {
  const before = event.data.old_state;
  const after = event.data.new_state;
  if (before == null || after == null || TRANSIENT_STATES.has(before.state) || TRANSIENT_STATES.has(after.state)) {
    return false;
  }
  if (before.state !== after.state) {
    return true;
  }

  return MEANINGFUL_ATTRIBUTES.some(
    (name) => JSON.stringify(before.attributes?.[name] ?? null) !== JSON.stringify(after.attributes?.[name] ?? null),
  );
}

function checkDuration(name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`invalid ${name} '${ms}' (must be a finite number of milliseconds, zero or more)`);
  }

  return ms;
}
