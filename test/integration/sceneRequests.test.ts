import { afterEach, describe, expect, it } from "vitest";
import { brokerKinds, suiteBroker } from "../support/brokers.js";
import { type HubFixture, startHub } from "../support/hubFixture.js";
import { Probe } from "../support/probe.js";

let counter = 0;

describe.each(brokerKinds())("scene requests through %s", (kind) => {
  const broker = suiteBroker(kind);
  let fixture: HubFixture | undefined;
  let probe: Probe | undefined;

  afterEach(async () => {
    await fixture?.stop();
    await probe?.close();
    fixture = undefined;
    probe = undefined;
  });

  function callsOf(home: HubFixture["home"]): string[] {
    return home.calls.map((c) => {
      const brightness = c.service_data.brightness_pct;
      return `${c.domain}.${c.service}${brightness === undefined ? "" : ` ${brightness}`}`;
    });
  }

  it("ignores a retained scene request the broker replays when the hub (re)subscribes", async () => {
    const base = `eh-retained-${process.pid}-${counter++}`;
    probe = await Probe.connect(broker.url, [`${base}/#`]);
    const stale = { name: "stale", lighting: { brightness_pct: 5 }, transaction: "stale" };
    await probe.publish(`${base}/living_room/scene/set`, stale, true);

    fixture = await startHub(broker.url, { mqtt: { url: broker.url, baseTopic: base } });
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.publish(`${base}/living_room/scene/set`, { name: "live", lighting: { brightness_pct: 60 } });
    const live = await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().scene === "live");
    const outcomes = probe.seen.filter((m) => m.topic === `${base}/living_room/scene`).map((m) => m.json().scene);
    const calls = callsOf(fixture.home);
    await probe.publish(`${base}/living_room/scene/set`, "", true);

    expect(live.json()).toMatchObject({ status: "ok" });
    expect(outcomes).toEqual(["live"]);
    expect(calls).toEqual(["light.turn_on 60", "logbook.log"]);
  });

  it("applies one scene at a time per room, and only the latest of those that waited", async () => {
    fixture = await startHub(broker.url);
    const { base, home } = fixture;
    const outcome = (transaction: string) =>
      fixture?.probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === transaction);
    await fixture.hub.homeAssistant?.waitConnected();

    const held = home.holdNextCall();
    const first = { name: "A", lighting: { brightness_pct: 10 }, music: { volume_level: 0.2 }, transaction: "A" };
    await fixture.probe.publish(`${base}/living_room/scene/set`, first);
    await held.received;
    await fixture.probe.publish(`${base}/living_room/scene/set`, {
      lighting: { brightness_pct: 20 },
      transaction: "B",
    });
    await fixture.probe.publish(`${base}/living_room/scene/set`, {
      lighting: { brightness_pct: 30 },
      transaction: "C",
    });
    const superseded = await outcome("B");
    held.release();
    const last = await outcome("C");

    expect(superseded?.json()).toMatchObject({ status: "error", error: { code: "superseded" } });
    expect((await outcome("A"))?.json()).toMatchObject({ status: "ok", scene: "A" });
    expect(last?.json()).toMatchObject({ status: "ok" });
    expect(callsOf(home)).toEqual([
      "light.turn_on 10",
      "media_player.volume_set",
      "logbook.log",
      "light.turn_on 30",
      "logbook.log",
    ]);
  });

  it("applies scenes for different rooms side by side", async () => {
    fixture = await startHub(broker.url);
    const { base, home, probe: hubProbe } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();

    const held = home.holdNextCall();
    await hubProbe.publish(`${base}/living_room/scene/set`, { lighting: { brightness_pct: 10 }, transaction: "L" });
    await held.received;
    await hubProbe.publish(`${base}/kitchen/scene/set`, { lighting: { brightness_pct: 40 }, transaction: "K" });
    const kitchen = await hubProbe.waitFor(`${base}/kitchen/scene`, (m) => m.json().transaction === "K");
    held.release();
    await hubProbe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === "L");

    expect(kitchen.json()).toMatchObject({ status: "ok" });
    expect(callsOf(home).filter((c) => c.startsWith("light"))).toEqual(["light.turn_on 40", "light.turn_on 10"]);
  });
});
