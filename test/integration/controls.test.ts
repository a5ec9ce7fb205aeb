import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { brokerKinds, suiteBroker } from "../support/brokers.js";
import { type HubFixture, SAD_SENTENCES, startHub } from "../support/hubFixture.js";

const SCENE = { name: "bright", lighting: { on: true, brightness_pct: 90 } };

describe.each(brokerKinds())("Home Assistant controls and manual override through %s", (kind) => {
  const broker = suiteBroker(kind);
  let fixture: HubFixture;

  afterEach(async () => {
    await fixture?.stop();
  });

  async function requestScene(room: string, transaction: string) {
    const { base, probe } = fixture;
    await probe.publish(`${base}/${room}/scene/set`, { ...SCENE, transaction });

    return (await probe.waitFor(`${base}/${room}/scene`, (m) => m.json().transaction === transaction)).json();
  }

  it("publishes discovery for the hub and each room, with no transcript in any payload", async () => {
    fixture = await startHub(broker.url);
    const prefix = `${fixture.base}-ha`;
    const { Probe } = await import("../support/probe.js");
    const ha = await Probe.connect(broker.url, [`${prefix}/#`]);
    const room = await ha.waitFor(`${prefix}/device/+/config`, (m) => m.text.includes("living_room_mood"));
    await ha.waitFor(`${prefix}/device/+/config`, (m) => m.text.includes("kitchen"));
    expect(room.retained).toBe(true);
    ha.clear();
    await ha.publish(`${prefix}/status`, "online");
    const again = await ha.waitFor(`${prefix}/device/+/config`, (m) => !m.retained && m.text.includes("living_room"));
    expect(again.json()).toHaveProperty("origin");
    for (const message of ha.seen) {
      expect(message.text).not.toMatch(/"text"|transcript"/);
    }
    await ha.close();
  });

  it("stops a room's scenes when its automation is switched off, and the hub's when it is switched off", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.publish(`${base}/living_room/automation/set`, "OFF");
    await probe.waitFor(`${base}/living_room/automation`, (m) => m.text === "OFF");
    expect(await requestScene("living_room", "a1")).toMatchObject({
      status: "error",
      error: { code: "automation_off" },
    });
    expect(await requestScene("kitchen", "a2")).toMatchObject({ status: "ok" });

    await probe.publish(`${base}/hub/enabled/set`, "OFF");
    await probe.waitFor(`${base}/hub/enabled`, (m) => m.text === "OFF");
    expect(await requestScene("kitchen", "a3")).toMatchObject({ status: "error", error: { code: "disabled" } });
  });

  it("shows a scene as active only when it was applied, and keeps a refusal to the outcome", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    expect(await requestScene("living_room", "ok1")).toMatchObject({ status: "ok", scene: "bright" });
    const active = await probe.waitFor(`${base}/living_room/scene/active`);
    expect(active.json()).toMatchObject({ scene: "bright" });

    await probe.publish(`${base}/living_room/automation/set`, "OFF");
    await probe.waitFor(`${base}/living_room/automation`, (m) => m.text === "OFF");
    await probe.publish(`${base}/living_room/scene/set`, { name: "dim", lighting: { brightness_pct: 5 } });
    const refused = await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().scene === "dim");
    expect(refused.json()).toMatchObject({ status: "error", error: { code: "automation_off" } });
    const shown = probe.seen.filter((m) => m.topic === `${base}/living_room/scene/active`).map((m) => m.json().scene);
    expect(shown).toEqual(["bright"]);
  });

  it("keeps a person's settings across a restart of the hub", async () => {
    const userDir = mkdtempSync(join(tmpdir(), "emotion-hub-settings-"));
    fixture = await startHub(broker.url, { nodered: { enabled: false, userDir } });
    await fixture.probe.publish(`${fixture.base}/kitchen/automation/set`, "OFF");
    await fixture.probe.waitFor(`${fixture.base}/kitchen/automation`, (m) => m.text === "OFF");
    await fixture.stop();

    fixture = await startHub(broker.url, { nodered: { enabled: false, userDir } });
    const { base, probe } = fixture;
    await probe.waitFor(`${base}/kitchen/automation`, (m) => m.text === "OFF");
    expect(probe.seen.filter((m) => m.topic === `${base}/kitchen/automation`).map((m) => m.text)).not.toContain("ON");
  });

  it("forces a mood with the override select and returns to neutral on reset", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await probe.publish(`${base}/kitchen/override/set`, "joy");
    const forced = (await probe.waitFor(`${base}/kitchen/mood`, (m) => m.json().mood === "joy")).json();
    expect(forced).toMatchObject({ mood: "joy", previous: "neutral", reason: "override" });
    await probe.waitFor(`${base}/kitchen/override`, (m) => m.text === "joy");

    await probe.publish(`${base}/kitchen/reset`, "PRESS");
    const reset = (await probe.waitFor(`${base}/kitchen/mood`, (m) => m.json().reason === "reset")).json();
    expect(reset).toMatchObject({ mood: "neutral", previous: "joy" });
    await probe.waitFor(`${base}/kitchen/override`, (m) => m.text === "auto");
  });

  it("holds a forced mood against what is said until the override returns to auto", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    await probe.publish(`${base}/living_room/override/set`, "joy");
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "joy");
    for (const [index, sentence] of SAD_SENTENCES.entries()) {
      await probe.publish(`${base}/living_room/transcript`, JSON.stringify({ text: sentence, id: `s${index}` }));
    }
    await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === `s${SAD_SENTENCES.length - 1}`);
    expect(probe.seen.filter((m) => m.topic === `${base}/living_room/mood`).map((m) => m.json().mood)).toEqual(["joy"]);
    // Each utterance still gets its own emotion: only the room's mood is held.
    for (const index of SAD_SENTENCES.keys()) {
      const emotion = await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === `s${index}`);
      expect(emotion.json()).toMatchObject({ room: "living_room", top: expect.any(String) });
    }

    // What was said under the forced mood did not move the detected one underneath.
    await probe.publish(`${base}/living_room/override/set`, "auto");
    const back = await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().reason === "auto");
    expect(back.json()).toMatchObject({ mood: "neutral", previous: "joy" });
  });

  it("brings back the detected mood when the override returns to auto", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    for (const sentence of SAD_SENTENCES) {
      await probe.publish(`${base}/living_room/transcript`, sentence);
    }
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness");
    await probe.publish(`${base}/living_room/override/set`, "joy");
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "joy");

    await probe.publish(`${base}/living_room/override/set`, "auto");
    const back = await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().reason === "auto");
    expect(back.json()).toMatchObject({ room: "living_room", mood: "sadness", previous: "joy" });
    await probe.waitFor(`${base}/events`, (m) => m.json().type === "mood_changed" && m.json().reason === "auto");

    const changes = probe.seen.filter((m) => m.topic === `${base}/events` && m.json().type === "mood_changed");
    expect(changes.map((m) => m.json())).toEqual([
      expect.objectContaining({ room: "living_room", before: "neutral", after: "sadness" }),
      expect.objectContaining({ room: "living_room", before: "sadness", after: "joy", reason: "override" }),
      expect.objectContaining({ room: "living_room", before: "joy", after: "sadness", reason: "auto" }),
    ]);
    expect(changes[0]?.json().reason).toMatch(/^classified \(\d+ %\)$/);
    expect(Object.keys(changes[0]?.json() ?? {}).sort()).toEqual(["after", "at", "before", "reason", "room", "type"]);
  });

  it("releases a mood forced before a restart when the override returns to auto", async () => {
    const userDir = mkdtempSync(join(tmpdir(), "emotion-hub-settings-"));
    fixture = await startHub(broker.url, { nodered: { enabled: false, userDir } });
    await fixture.probe.publish(`${fixture.base}/kitchen/override/set`, "joy");
    await fixture.probe.waitFor(`${fixture.base}/kitchen/mood`, (m) => m.json().mood === "joy");
    await fixture.stop();

    fixture = await startHub(broker.url, { nodered: { enabled: false, userDir } });
    const { base, probe } = fixture;
    await probe.waitFor(`${base}/kitchen/mood`, (m) => m.json().mood === "joy");
    await probe.publish(`${base}/kitchen/override/set`, "auto");
    const back = await probe.waitFor(`${base}/kitchen/mood`, (m) => m.json().reason === "auto");
    expect(back.json()).toMatchObject({ mood: "neutral", previous: "joy" });
  });

  it("pauses a room after a person's change in Home Assistant and resumes after the hold time", async () => {
    fixture = await startHub(broker.url, { override: { holdTime: 2, grace: 0 } });
    const { base, probe, home } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.waitFor(`${base}/hub/state`, (m) => m.json().homeassistant === "connected");
    expect(await requestScene("living_room", "p0")).toMatchObject({ status: "ok" });

    home.manualChange("light.living_room_light", { state: "off" }, "person-user-id");
    await probe.waitFor(`${base}/living_room/paused`, (m) => m.text === "ON");
    const started = await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_started");
    expect(started.json()).toMatchObject({ room: "living_room", reason: "manual change of light.living_room_light" });
    probe.clear();
    expect(await requestScene("living_room", "p1")).toMatchObject({ status: "error", error: { code: "paused" } });

    await probe.waitFor(`${base}/living_room/paused`, (m) => m.text === "OFF");
    expect(await requestScene("living_room", "p2")).toMatchObject({ status: "ok" });
  });

  it("publishes every room's pause as OFF at start, replacing an ON left by a hub stopped mid-pause", async () => {
    const base = `eh-paused-${process.pid}-${Date.now()}`;
    const { Probe } = await import("../support/probe.js");
    const watcher = await Probe.connect(broker.url, [`${base}/#`]);
    await watcher.publish(`${base}/living_room/paused`, "ON", true);
    await watcher.waitFor(`${base}/living_room/paused`, (m) => m.text === "ON");

    fixture = await startHub(broker.url, { mqtt: { url: broker.url, baseTopic: base } });
    await watcher.waitFor(`${base}/living_room/paused`, (m) => m.text === "OFF");
    await watcher.waitFor(`${base}/kitchen/paused`, (m) => m.text === "OFF");
    await watcher.close();

    const late = await Probe.connect(broker.url, [`${base}/living_room/paused`]);
    const retained = await late.waitFor(`${base}/living_room/paused`);
    await late.close();
    expect(retained).toMatchObject({ text: "OFF", retained: true });
  });

  it("reads a hold time saved in minutes by an earlier version as the same time in seconds", async () => {
    const userDir = mkdtempSync(join(tmpdir(), "emotion-hub-settings-"));
    const saved = { enabled: true, rooms: { kitchen: { automation: true, override: "auto", holdMinutes: 45 } } };
    writeFileSync(join(userDir, "emotion-hub-settings.json"), JSON.stringify(saved));
    fixture = await startHub(broker.url, { nodered: { enabled: false, userDir } });

    await fixture.probe.waitFor(`${fixture.base}/kitchen/hold`, (m) => m.text === "2700");
  });

  it("ends a pause when a person forces a mood, so the forced mood's scene may follow", async () => {
    fixture = await startHub(broker.url, { override: { holdTime: 600, grace: 0 } });
    const { base, probe, home } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.waitFor(`${base}/hub/state`, (m) => m.json().homeassistant === "connected");
    expect(await requestScene("living_room", "o0")).toMatchObject({ status: "ok" });
    home.manualChange("light.living_room_light", { state: "off" }, "person-user-id");
    await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_started");
    expect(await requestScene("living_room", "o1")).toMatchObject({ status: "error", error: { code: "paused" } });

    await probe.publish(`${base}/living_room/override/set`, "sadness");
    const ended = await probe.waitFor(`${base}/events`, (m) => m.json().type === "override_ended");
    expect(ended.json()).toMatchObject({ room: "living_room", before: true, after: false, reason: "mood override" });
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness");
    expect(await requestScene("living_room", "o2")).toMatchObject({ status: "ok" });
  });

  it("takes a hold time in whole seconds from Home Assistant and ignores one out of range", async () => {
    fixture = await startHub(broker.url, { override: { holdTime: 90 } });
    const { base, probe } = fixture;
    await probe.waitFor(`${base}/living_room/hold`, (m) => m.text === "90");
    for (const refused of ["86401", "-1", "1.5", "", "soon"]) {
      await probe.publish(`${base}/living_room/hold/set`, refused);
    }
    await probe.publish(`${base}/living_room/hold/set`, "0");
    await probe.waitFor(`${base}/living_room/hold`, (m) => m.text === "0");
    await probe.publish(`${base}/living_room/hold/set`, "86400");
    await probe.waitFor(`${base}/living_room/hold`, (m) => m.text === "86400");

    const holds = probe.seen.filter((m) => m.topic === `${base}/living_room/hold`).map((m) => m.text);
    // The start-up state may go out twice (start and connect); what counts is that no refused value ever does.
    expect([...new Set(holds)]).toEqual(["90", "0", "86400"]);
  });

  it("does not pause for the hub's own changes", async () => {
    fixture = await startHub(broker.url, { override: { holdTime: 600, grace: 0 } });
    const { base, probe } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.waitFor(`${base}/hub/state`, (m) => m.json().homeassistant === "connected");
    for (let i = 0; i < 3; i++) {
      expect(await requestScene("living_room", `own${i}`)).toMatchObject({ status: "ok" });
    }

    expect(probe.seen.some((m) => m.topic === `${base}/living_room/paused` && m.text === "ON")).toBe(false);
  });

  it("writes an explanation to the logbook and the event stream when a scene is applied", async () => {
    fixture = await startHub(broker.url);
    const { base, probe, home } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    await probe.publish(`${base}/living_room/override/set`, "sadness");
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness");
    await probe.publish(`${base}/living_room/scene/set`, { name: "Comfort", lighting: { on: true }, transaction: "x" });
    const event = (await probe.waitFor(`${base}/events`, (m) => m.json().type === "scene_applied")).json();
    expect(event).toMatchObject({ room: "living_room", after: "Comfort" });

    const logbook = home.calls.find((c) => c.domain === "logbook" && c.service === "log");
    expect(logbook?.service_data).toMatchObject({ name: "emotion-hub" });
    expect(logbook?.service_data.message).toMatch(/^Living room .*sad.* → scene Comfort$/);
  });

  it("writes the logbook entry of a scene that follows a classified mood, with the mood's confidence", async () => {
    fixture = await startHub(broker.url);
    const { base, probe, home } = fixture;
    await fixture.hub.homeAssistant?.waitConnected();
    for (const sentence of SAD_SENTENCES) {
      await probe.publish(`${base}/living_room/transcript`, sentence);
    }
    const sad = (await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness")).json();
    expect(sad.reason).toBe("classified");
    await probe.publish(`${base}/living_room/scene/set`, {
      name: "Comfort",
      lighting: { on: true },
      transaction: "lb",
    });
    await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().transaction === "lb");

    const percent = Math.round(Number(sad.confidence) * 100);
    const logbook = home.calls.filter((c) => c.domain === "logbook" && c.service === "log");
    expect(logbook.map((c) => c.service_data)).toEqual([
      {
        name: "emotion-hub",
        message: `Living room felt sad (${percent} %) → scene Comfort`,
        entity_id: "sensor.living_room_mood",
      },
    ]);
  });

  it("leaves no word anyone said in any retained state, event or discovery payload under its topics", async () => {
    fixture = await startHub(broker.url);
    const { base, probe } = fixture;
    const prefix = `${base}-ha`;
    await fixture.hub.homeAssistant?.waitConnected();
    const extra = "the marmalade smuggler from zanzibar ruined everything";
    const said = [...SAD_SENTENCES, extra];
    for (const [index, text] of said.entries()) {
      await probe.publish(`${base}/living_room/transcript`, { text, speaker: "henrietta", id: `t${index}` });
    }
    const hermes = { text: extra, likelihood: 1, seconds: 1, siteId: "satellite-kitchen", sessionId: `${base}-h` };
    await probe.publish("hermes/asr/textCaptured", hermes);
    await probe.waitFor(`${base}/living_room/emotion`, (m) => m.json().id === `t${said.length - 1}`);
    await probe.waitFor(`${base}/kitchen/emotion`, (m) => m.json().id === `${base}-h`);
    await probe.waitFor(`${base}/living_room/mood`, (m) => m.json().mood === "sadness");
    expect(await requestScene("living_room", "leak")).toMatchObject({ status: "ok" });

    const words = new Set(
      [...said, "henrietta"].flatMap((text) => text.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 6),
    );
    const published = probe.seen.filter((m) => !m.topic.endsWith("/transcript"));
    const stateTopics = [...new Set(published.map((m) => m.topic))].filter((t) => !/\/(events|emotion|set)$/.test(t));
    const configs = [base, `${base}_kitchen`, `${base}_living_room`].map(
      (id) => `${prefix}/device/${id.replaceAll("-", "_")}/config`,
    );
    const retained = await retainedCopies(broker.url, [...stateTopics, ...configs]);
    expect(stateTopics).toContain(`${base}/living_room/mood`);
    expect(published.some((m) => m.topic === `${base}/events`)).toBe(true);
    for (const message of [...published, ...retained]) {
      const text = message.text.toLowerCase();
      expect(
        [...words].filter((word) => text.includes(word)),
        message.topic,
      ).toEqual([]);
    }
  });
});

/** The retained copy of each topic, read by a fresh client as Home Assistant would after a restart. */
async function retainedCopies(url: string, topics: string[]) {
  const { Probe } = await import("../support/probe.js");
  const reader = await Probe.connect(url, topics);
  const copies = await Promise.all(topics.map((topic) => reader.waitFor(topic, (m) => m.retained)));
  await reader.close();

  return copies;
}
