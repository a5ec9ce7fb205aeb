import { beforeEach, describe, expect, it } from "vitest";
import { type HaContext, OverrideTracker, type StateChangedEvent } from "../../src/override/overrideTracker.js";

const HOLD = 30 * 60_000;
const GRACE = 10_000;
const HUB_USER = "hub-user-id";
const PERSON = "person-user-id";

function lightChange(
  context: HaContext,
  before: Record<string, unknown> = { brightness: 100 },
  after: Record<string, unknown> = { brightness: 200 },
  states: [string, string] = ["on", "on"],
): StateChangedEvent {
  return {
    data: {
      entity_id: "light.living_room",
      old_state: { state: states[0], attributes: { friendly_name: "Lamp", ...before } },
      new_state: { state: states[1], attributes: { friendly_name: "Lamp", ...after }, context },
    },
    context,
  };
}

function foreign(id = "01PERSON"): HaContext {
  return { id, parent_id: null, user_id: PERSON };
}

describe("OverrideTracker", () => {
  let clock: number;
  let tracker: OverrideTracker;

  beforeEach(() => {
    clock = Date.parse("2025-01-01T18:00:00Z");
    tracker = new OverrideTracker({ holdTimeMs: HOLD, graceMs: GRACE, now: () => clock });
    tracker.noteOwnUser(HUB_USER);
  });

  it("pauses the room on a foreign change and reports that the pause started", () => {
    const verdict = tracker.onStateChanged("living_room", lightChange(foreign()));

    expect(verdict).toEqual({ paused: true, changed: true });
    expect(tracker.isPaused("living_room")).toBe(true);
    expect(tracker.isPaused("kitchen")).toBe(false);
    expect(tracker.pausedUntil("living_room")).toBe(clock + HOLD);
  });

  it("reports a second foreign change during a pause as no new pause, and restarts the hold", () => {
    tracker.onStateChanged("living_room", lightChange(foreign("01A")));
    clock += 60_000;
    const verdict = tracker.onStateChanged("living_room", lightChange(foreign("01B")));

    expect(verdict).toEqual({ paused: true, changed: false });
    expect(tracker.pausedUntil("living_room")).toBe(clock + HOLD);
  });

  it("does not pause for a change under one of the hub's own context ids, or a child of one", () => {
    tracker.noteOwnCall("living_room", "01OWN");
    clock += 60_000;

    expect(tracker.onStateChanged("living_room", lightChange({ id: "01OWN", user_id: null })).paused).toBe(false);
    expect(
      tracker.onStateChanged("living_room", lightChange({ id: "01CHILD", parent_id: "01OWN", user_id: null })).paused,
    ).toBe(false);
    expect(tracker.isPaused("living_room")).toBe(false);
  });

  it("does not pause for a change made under the hub's own user", () => {
    const verdict = tracker.onStateChanged(
      "living_room",
      lightChange({ id: "01X", parent_id: null, user_id: HUB_USER }),
    );

    expect(verdict).toEqual({ paused: false, changed: false });
  });

  it("treats a foreign change inside the grace period after the hub's call as a late report", () => {
    tracker.noteOwnCall("living_room", "01OWN");
    clock += GRACE - 1;

    expect(tracker.onStateChanged("living_room", lightChange({ id: "01LATE", user_id: null })).paused).toBe(false);
  });

  it("applies the grace period only to the room the hub acted in", () => {
    tracker.noteOwnCall("kitchen", "01OWN");

    expect(tracker.onStateChanged("living_room", lightChange(foreign())).paused).toBe(true);
  });

  it("pauses for a foreign change after the grace period has passed", () => {
    tracker.noteOwnCall("living_room", "01OWN");
    clock += GRACE + 1;

    expect(tracker.onStateChanged("living_room", lightChange({ id: "01WALL", user_id: null })).paused).toBe(true);
  });

  it("ends the pause by itself after the hold time and reports it once from tick()", () => {
    tracker.onStateChanged("living_room", lightChange(foreign()));
    clock += HOLD - 1;

    expect(tracker.tick()).toEqual([]);
    expect(tracker.isPaused("living_room")).toBe(true);

    clock += 1;

    expect(tracker.isPaused("living_room")).toBe(false);
    expect(tracker.pausedUntil("living_room")).toBeUndefined();
    expect(tracker.tick()).toEqual(["living_room"]);
    expect(tracker.tick()).toEqual([]);
  });

  it("ends the pause on resume() and does not report it again from tick()", () => {
    tracker.onStateChanged("living_room", lightChange(foreign()));

    expect(tracker.resume("living_room")).toBe(true);
    expect(tracker.isPaused("living_room")).toBe(false);
    expect(tracker.resume("living_room")).toBe(false);
    clock += HOLD;
    expect(tracker.tick()).toEqual([]);
  });

  it("ignores attribute noise that nobody chose", () => {
    const noise = lightChange(
      foreign(),
      { brightness: 120, last_reported: "2025-01-01T17:59:00Z", xy_color: [0.4, 0.4] },
      { brightness: 120, last_reported: "2025-01-01T18:00:00Z", xy_color: [0.41, 0.4] },
    );

    expect(tracker.onStateChanged("living_room", noise)).toEqual({ paused: false, changed: false });
  });

  it("counts a change of state, colour, volume or temperature as real", () => {
    const changes = [
      lightChange(foreign(), {}, {}, ["on", "off"]),
      lightChange(foreign(), { rgb_color: [255, 0, 0] }, { rgb_color: [0, 0, 255] }),
      lightChange(foreign(), { volume_level: 0.1 }, { volume_level: 0.35 }),
      lightChange(foreign(), { temperature: 20 }, { temperature: 22.5 }),
    ];

    for (const [index, change] of changes.entries()) {
      expect(tracker.onStateChanged(`room_${index}`, change).paused).toBe(true);
    }
  });

  it("ignores a device dropping off or coming back", () => {
    const dropped = lightChange(foreign(), {}, {}, ["on", "unavailable"]);
    const back = lightChange(foreign(), {}, {}, ["unavailable", "on"]);

    expect(tracker.onStateChanged("living_room", dropped).paused).toBe(false);
    expect(tracker.onStateChanged("living_room", back).paused).toBe(false);
  });

  it("uses a room's own hold time, and stretches or shortens a running pause to match", () => {
    tracker.setHoldTime("living_room", 60_000);
    tracker.onStateChanged("living_room", lightChange(foreign()));

    expect(tracker.pausedUntil("living_room")).toBe(clock + 60_000);

    tracker.setHoldTime("living_room", 5_000);
    clock += 5_000;

    expect(tracker.tick()).toEqual(["living_room"]);
    expect(tracker.holdTime("kitchen")).toBe(HOLD);
  });

  it("never pauses a room whose hold time is zero", () => {
    tracker.setHoldTime("living_room", 0);

    expect(tracker.onStateChanged("living_room", lightChange(foreign()))).toEqual({ paused: false, changed: false });
  });

  it("rejects a negative or non-finite hold time with a clear error", () => {
    expect(() => tracker.setHoldTime("living_room", -1)).toThrow(/invalid hold time '-1'/);
    expect(() => new OverrideTracker({ holdTimeMs: Number.NaN, graceMs: 0, now: () => 0 })).toThrow(/holdTimeMs/);
  });

  it("forgets its own context ids after a while, so an old id no longer hides a change", () => {
    tracker.noteOwnCall("living_room", "01OLD");
    clock += 11 * 60_000;

    expect(tracker.onStateChanged("living_room", lightChange({ id: "01OLD", user_id: null })).paused).toBe(true);
  });
});
