import { afterEach, describe, expect, it, vi } from "vitest";
import { brokerKinds, suiteBroker } from "../support/brokers.js";
import { type HubFixture, startHub } from "../support/hubFixture.js";

const PERSON = "person-user-id";

describe.each(brokerKinds())("manual override through the simulated home and %s", (kind) => {
  const broker = suiteBroker(kind);
  let fixture: HubFixture;

  afterEach(async () => {
    vi.useRealTimers();
    await fixture?.stop();
  });

  async function connectedHub(override: { holdTime: number; grace: number }): Promise<HubFixture> {
    fixture = await startHub(broker.url, { override });
    await fixture.hub.homeAssistant?.waitConnected();
    await fixture.probe.waitFor(`${fixture.base}/hub/state`, (m) => m.json().homeassistant === "connected");

    return fixture;
  }

  async function applyScene(transaction: string): Promise<Record<string, unknown>> {
    const { base, probe } = fixture;
    await probe.publish(`${base}/living_room/scene/set`, { lighting: { brightness_pct: 70 }, transaction });

    return (await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === transaction)).json();
  }

  /**
   * Changes an entity as a person would and resolves once the hub has judged the change: the hub's own listener
   * was registered first, and it judges synchronously.
   */
  async function personChanges(entityId: string, change: Parameters<HubFixture["home"]["manualChange"]>[1]) {
    const client = fixture.hub.homeAssistant;
    const judged = new Promise<void>((resolve) => {
      const seen = (event: { data: { entity_id: string } }) => {
        if (event.data.entity_id === entityId) {
          client?.off("state_changed", seen);
          resolve();
        }
      };
      client?.on("state_changed", seen);
    });
    fixture.home.manualChange(entityId, change, PERSON);
    await judged;
  }

  /** Moves the hub's clock (only `Date`; sockets and timers keep real time), so no test waits out a period. */
  function advance(seconds: number): void {
    vi.setSystemTime(Date.now() + seconds * 1000);
  }

  it("takes a change inside the grace period for the hub's, pauses for one after it, and resumes by itself", async () => {
    const { base, probe } = await connectedHub({ holdTime: 60, grace: 10 });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now(), shouldAdvanceTime: true });
    expect(await applyScene("g0")).toMatchObject({ status: "ok" });

    // A late report under a fresh context, as a device gives a moment after the hub's call.
    await personChanges("light.living_room_light", { state: "off" });
    advance(11);
    await personChanges("climate.living_room_thermostat", { attributes: { temperature: 17 } });
    const started = await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_started");
    // Had the light's change paused the room, this one would have started nothing and the reason would differ.
    expect(started.json()).toMatchObject({
      room: "living_room",
      reason: "manual change of climate.living_room_thermostat",
    });
    await probe.waitFor(`${base}/living_room/paused`, (m) => m.text === "ON");
    expect(await applyScene("g1")).toMatchObject({ status: "error", error: { code: "paused" } });

    advance(61);
    const ended = await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_ended");
    expect(ended.json()).toMatchObject({ room: "living_room", before: true, after: false, reason: "hold time over" });
    const paused = probe.seen.filter((m) => m.topic === `${base}/living_room/paused`).map((m) => m.text);
    expect(paused.at(-1)).toBe("OFF");
    expect(await applyScene("g2")).toMatchObject({ status: "ok" });
  });

  it("ends a pause at once when the room's reset button is pressed", async () => {
    const { base, probe, home } = await connectedHub({ holdTime: 3600, grace: 0 });
    expect(await applyScene("r0")).toMatchObject({ status: "ok" });
    home.manualChange("light.living_room_light", { state: "off" }, PERSON);
    await probe.waitFor(`${base}/living_room/paused`, (m) => m.text === "ON");
    probe.clear();

    await probe.publish(`${base}/living_room/reset`, "PRESS");
    const ended = await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_ended");
    expect(ended.json()).toMatchObject({ room: "living_room", before: true, after: false, reason: "reset" });
    await probe.waitFor(`${base}/living_room/paused`, (m) => m.text === "OFF");
    expect(await applyScene("r1")).toMatchObject({ status: "ok" });
  });
});
