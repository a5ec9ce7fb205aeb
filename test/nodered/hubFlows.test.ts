import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brokerKinds, startBroker, type TestBroker } from "../support/brokers.js";
import { type HubFixture, startHub } from "../support/hubFixture.js";
import { EditorStatus } from "./support/editorStatus.js";

const V2 = { "Node-RED-API-Version": "v2" };

/** A person's own flow: one tab that reacts to the living room's mood through the hub's own connection. */
const MY_FLOWS = [
  { id: "my_tab", type: "tab", label: "My rules", disabled: false, info: "" },
  { id: "my_hub", type: "emotion-hub-config", name: "this hub", broker: "", baseTopic: "" },
  {
    id: "my_mood",
    type: "emotion-hub-mood",
    z: "my_tab",
    hub: "my_hub",
    room: "living_room",
    x: 150,
    y: 80,
    wires: [[]],
  },
];

async function flowIds(noderedUrl: string | undefined): Promise<string[]> {
  const response = await fetch(new URL("flows", noderedUrl), { headers: { accept: "application/json", ...V2 } });
  const body = (await response.json()) as { flows: { id: string }[] };

  return body.flows.map((node) => node.id);
}

/** The whole hub with Node-RED on and the flows it seeds: what `npm start` runs, on test ports and topics. */
describe.each(brokerKinds())("the hub with its Node-RED flows through %s", (kind) => {
  let broker: TestBroker;
  let fixture: HubFixture | undefined;
  let editor: EditorStatus | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    broker = await startBroker(kind);
  });

  afterEach(async () => {
    editor?.close();
    editor = undefined;
    await fixture?.stop();
    fixture = undefined;
  });

  afterAll(async () => {
    await broker.stop();
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function dataDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "emotion-hub-hubflows-"));
    dirs.push(dir);

    return dir;
  }

  it("applies the comfort scene in the simulated home when a room's override is set to sadness", async () => {
    fixture = await startHub(broker.url, {}, { nodered: true, dataDir: dataDir() });
    const { base, probe, home } = fixture;
    await probe.waitFor(`${base}/hub/state`, (m) => m.json().homeassistant === "connected");
    editor = await EditorStatus.connect(String(fixture.noderedUrl));
    await editor.waitFor("room_mood", (status) => status.text === "listening");

    await probe.publish(`${base}/living_room/override/set`, "sadness");

    const outcome = await probe.waitFor(`${base}/living_room/scene`, (m) => m.json().scene !== undefined);
    expect(outcome.json()).toMatchObject({ scene: "sadness: warm and calm", status: "ok" });
    const light = home.calls.find((call) => call.domain === "light" && call.service === "turn_on");
    expect(light?.target).toEqual({ area_id: "living_room" });
    expect(light?.service_data).toEqual({ brightness_pct: 40, color_temp_kelvin: 2700, transition: 5 });
    const state = home.states("light.living_room_light");
    expect(state).toMatchObject({ state: "on", attributes: { brightness: 102 } });
    // Like Home Assistant, the simulated light stores colour temperature in mireds, so 2700 K reads back as 2702 K.
    expect(state?.attributes.color_temp_kelvin).toBeCloseTo(2700, -1);
  });

  it("keeps a flow deployed through the admin API across a hub restart, unseeded", async () => {
    const dir = dataDir();
    fixture = await startHub(broker.url, {}, { nodered: true, dataDir: dir });
    expect(await flowIds(fixture.noderedUrl)).toContain("mood_scenes_tab");

    const deploy = await fetch(new URL("flows", fixture.noderedUrl), {
      method: "POST",
      headers: { "content-type": "application/json", "Node-RED-Deployment-Type": "full", ...V2 },
      body: JSON.stringify({ flows: MY_FLOWS }),
    });
    expect(deploy.status).toBe(200);
    await fixture.stop();
    fixture = await startHub(broker.url, {}, { nodered: true, dataDir: dir });

    expect(await flowIds(fixture.noderedUrl)).toEqual(MY_FLOWS.map((node) => node.id));
    expect(readFileSync(path.join(dir, "flows.json"), "utf8")).not.toContain("mood_scenes_tab");
  });
});
