import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimulatedHome } from "../../src/homeassistant/simulatedHome.js";
import { silentLogger } from "../../src/logger.js";
import { type Frame, RawPeer } from "./rawPeer.js";

// The frames recorded from a real Home Assistant live beside the project, never inside it.
const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/home-assistant-2023.12/", import.meta.url));

function fixture(name: string): Frame {
  return JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as Frame;
}

/** The frames of a recorded session, in wire order. */
function recorded(name: string): { dir: string; raw?: string; code?: number }[] {
  return readFileSync(join(FIXTURES, name), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { dir: string; raw?: string; code?: number });
}

function keys(value: unknown): string[] {
  return Object.keys(value as object).sort();
}

function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

describe("SimulatedHome", () => {
  let home: SimulatedHome;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    home = new SimulatedHome({ rooms: { living_room: { area: "living_room" } }, logger: silentLogger() });
    await home.start();
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) {
      peer.close();
    }
    await home.stop();
  });

  async function open(): Promise<RawPeer> {
    const peer = await RawPeer.open(home.url);
    peers.push(peer);

    return peer;
  }

  async function authenticated(): Promise<RawPeer> {
    const peer = await RawPeer.authenticated(home.url, home.token);
    peers.push(peer);

    return peer;
  }

  async function answer(peer: RawPeer, message: Frame): Promise<Frame> {
    const frames = await peer.exchange(message);

    return frames.at(-1) as Frame;
  }

  // Outside CI a checkout without ../shared beside it skips these; CI always has it, so there they must run.
  describe.skipIf(!existsSync(FIXTURES) && !process.env.CI)(
    "against the frames recorded from Home Assistant 2023.12",
    () => {
      it("opens with auth_required and answers the right token with auth_ok", async () => {
        const peer = await open();
        const required = await peer.next();
        peer.send({ type: "auth", access_token: home.token });
        const ok = await peer.next();

        expect(keys(required)).toEqual(keys(fixture("ex_auth_required.json")));
        expect(required.type).toBe("auth_required");
        expect(keys(ok)).toEqual(keys(fixture("ex_auth_ok.json")));
        expect(ok.type).toBe("auth_ok");
      });

      it("refuses a wrong token with the recorded auth_invalid, then closes with the recorded code", async () => {
        const session = recorded("ws_auth_invalid.jsonl");
        const peer = await open();
        await peer.next();

        peer.send(session[1]?.raw);
        const refusal = await peer.next();

        expect(refusal).toEqual(fixture("ex_auth_invalid.json"));
        expect(await peer.closed).toBe(session[3]?.code);
      });

      it.each([["ws_auth_malformed.jsonl"], ["ws_auth_missing_token.jsonl"]])(
        "answers the auth message of %s as Home Assistant did",
        async (name) => {
          const session = recorded(name);
          const peer = await open();
          await peer.next();

          peer.send(session[1]?.raw);

          expect(await peer.next()).toEqual(JSON.parse(session[2]?.raw ?? ""));
          expect(await peer.closed).toBe(1000);
        },
      );

      it("sends a call's state_changed events before its result, with the result's context", async () => {
        const peer = await authenticated();
        const subscribed = await answer(peer, { id: 10, type: "subscribe_events", event_type: "state_changed" });
        const frames = await peer.exchange({
          id: 15,
          type: "call_service",
          domain: "light",
          service: "turn_on",
          target: { area_id: "living_room" },
          service_data: { brightness: 180, color_temp_kelvin: 3000 },
        });
        const [event, result] = frames;
        const recordedEvent = fixture("ex_event_state_changed_light.json");
        const recordedResult = fixture("ex_result_light_turn_on_area.json");

        expect(subscribed).toEqual(fixture("ex_result_subscribe_events.json"));
        expect(frames).toHaveLength(2);
        expect(keys(event)).toEqual(keys(recordedEvent));
        expect(keys(event?.event)).toEqual(keys(recordedEvent.event));
        expect(keys(at(event, "event", "data"))).toEqual(keys(at(recordedEvent, "event", "data")));
        expect(keys(at(event, "event", "data", "new_state"))).toEqual(
          keys(at(recordedEvent, "event", "data", "new_state")),
        );
        expect(keys(result)).toEqual(keys(recordedResult));
        expect(keys(result?.result)).toEqual(keys(recordedResult.result));
        expect(keys(at(result, "result", "context"))).toEqual(keys(at(recordedResult, "result", "context")));
        expect(at(event, "event", "context", "id")).toBe(at(result, "result", "context", "id"));
        expect(at(event, "event", "data", "new_state", "context", "id")).toBe(at(result, "result", "context", "id"));
        expect(at(result, "result", "context", "user_id")).toBe(home.userId);
        expect(at(event, "id")).toBe(10);
      });

      it("normalises colour temperature through whole mireds, as the recorded light did", async () => {
        const peer = await authenticated();
        const recordedLight = fixture("ex_event_state_changed_light_2.json");

        await answer(peer, {
          id: 2,
          type: "call_service",
          domain: "light",
          service: "turn_on",
          target: { area_id: "living_room" },
          service_data: { brightness: 180, color_temp_kelvin: 3000 },
        });
        const light = home.states("light.living_room_light");

        expect(light?.attributes.color_temp_kelvin).toBe(
          at(recordedLight, "event", "data", "new_state", "attributes", "color_temp_kelvin"),
        );
        expect(light?.attributes.color_temp).toBe(333);
        expect(light?.attributes.brightness).toBe(180);
      });

      it("answers failures with the recorded error frames", async () => {
        const peer = await authenticated();
        const target = { entity_id: "light.living_room_light" };
        const speaker = { entity_id: "media_player.living_room_speaker" };
        const cases: [Frame, string][] = [
          [
            { id: 18, type: "call_service", domain: "light", service: "does_not_exist", target },
            "ex_error_unknown_service.json",
          ],
          [{ id: 19, type: "call_service", domain: "nodomain", service: "turn_on" }, "ex_error_unknown_domain.json"],
          [
            {
              id: 20,
              type: "call_service",
              domain: "light",
              service: "turn_on",
              target,
              service_data: { brightness: "very bright" },
            },
            "ex_error_invalid_service_data.json",
          ],
          [
            {
              id: 21,
              type: "call_service",
              domain: "media_player",
              service: "volume_set",
              target: speaker,
              service_data: { volume_level: 0.5, bogus: 1 },
            },
            "ex_error_invalid_service_data_extra_key.json",
          ],
          [
            {
              id: 22,
              type: "call_service",
              domain: "media_player",
              service: "volume_set",
              target: speaker,
              service_data: {},
            },
            "ex_error_missing_required.json",
          ],
          [
            {
              id: 23,
              type: "call_service",
              domain: "climate",
              service: "set_temperature",
              target: { entity_id: "climate.living_room_thermostat" },
              service_data: { temperature: "warm" },
            },
            "ex_error_climate_out_of_range_or_invalid.json",
          ],
          [{ id: 24, type: "no_such/command" }, "ex_error_unknown_command.json"],
          [{ id: 1, type: "ping" }, "ex_error_id_reuse.json"],
        ];

        for (const [message, name] of cases) {
          expect(await answer(peer, message), name).toEqual(fixture(name));
        }
        peer.send({ type: "get_states" });
        expect(await peer.next()).toEqual(fixture("ex_error_invalid_format_no_id.json"));
      });

      it("succeeds on an entity that does not exist, as Home Assistant does", async () => {
        const peer = await authenticated();

        const result = await answer(peer, {
          id: 25,
          type: "call_service",
          domain: "light",
          service: "turn_on",
          target: { entity_id: "light.no_such_light" },
        });

        expect(keys(result)).toEqual(keys(fixture("ex_result_call_service_unknown_entity.json")));
        expect(result.success).toBe(true);
      });

      it("answers ping with the recorded pong", async () => {
        const peer = await authenticated();

        expect(await answer(peer, { id: 4, type: "ping" })).toEqual(fixture("ex_pong.json"));
      });

      it("lists states shaped like the recorded ones", async () => {
        const peer = await authenticated();
        const states = (await answer(peer, { id: 2, type: "get_states" })).result as Frame[];
        const real = fixture("ex_result_get_states.json").result as Frame[];
        const find = (list: Frame[], id: string) => list.find((state) => state.entity_id === id);

        expect(states.map((state) => state.entity_id).sort()).toEqual([
          "climate.living_room_thermostat",
          "light.living_room_light",
          "media_player.living_room_speaker",
          "scene.living_room_relax",
        ]);
        for (const state of states) {
          expect(keys(state)).toEqual(keys(real[0]));
        }
        expect(keys(find(states, "light.living_room_light")?.attributes)).toEqual(
          keys(find(real, "light.ceiling_lights")?.attributes),
        );
        expect(keys(find(states, "climate.living_room_thermostat")?.attributes)).toEqual(
          expect.arrayContaining(keys(find(real, "climate.heatpump")?.attributes)),
        );
        expect(keys(find(states, "scene.living_room_relax")?.attributes)).toEqual(
          keys(find(real, "scene.romantic_lights")?.attributes),
        );
      });

      it("answers get_config, the registries and get_services in the recorded shapes", async () => {
        const peer = await authenticated();
        const config = (await answer(peer, { id: 2, type: "get_config" })).result;
        const areas = (await answer(peer, { id: 3, type: "config/area_registry/list" })).result as Frame[];
        const devices = (await answer(peer, { id: 4, type: "config/device_registry/list" })).result as Frame[];
        const entities = (await answer(peer, { id: 5, type: "config/entity_registry/list" })).result as Frame[];
        const services = (await answer(peer, { id: 6, type: "get_services" })).result as Record<string, Frame>;
        const realServices = fixture("get_services_result.json").result as Record<string, Frame>;

        expect(keys(config)).toEqual(keys(fixture("ex_result_get_config.json").result));
        expect(keys(areas[0])).toEqual(keys((fixture("ex_result_area_list_before.json").result as Frame[])[0]));
        expect(keys(devices[0])).toEqual(keys((fixture("ex_result_device_registry_list.json").result as Frame[])[0]));
        expect(keys(entities[0])).toEqual(keys((fixture("ex_result_entity_registry_list.json").result as Frame[])[0]));
        expect(Array.isArray(services)).toBe(false);
        expect(keys(services.light?.turn_on)).toEqual(keys(realServices.light?.turn_on));
        expect(keys(services.media_player?.volume_set)).toEqual(keys(realServices.media_player?.volume_set));
      });

      it("unsubscribes, and reports an unknown subscription as not_found", async () => {
        const peer = await authenticated();
        await answer(peer, { id: 10, type: "subscribe_events", event_type: "state_changed" });

        const done = await answer(peer, { id: 27, type: "unsubscribe_events", subscription: 10 });
        const again = await answer(peer, { id: 28, type: "unsubscribe_events", subscription: 10 });

        expect(done).toEqual(fixture("ex_result_unsubscribe_events.json"));
        expect(again.error).toEqual({ code: "not_found", message: "Subscription not found." });
      });
    },
  );

  describe("protocol edges", () => {
    it("survives frames that are not JSON, arrays and wrong types, and keeps serving", async () => {
      const peer = await authenticated();

      peer.send([{ id: 2, type: "ping" }, "nonsense", { id: 3, type: "ping" }]);
      const batch = [await peer.next(), await peer.next(), await peer.next()];
      const stringId = await answer(peer, { id: "seven", type: "ping" });
      peer.send("this is not JSON");
      const closedWith = await peer.closed;
      const fresh = await authenticated();

      expect(batch).toEqual([
        { id: 2, type: "pong" },
        {
          id: 0,
          type: "result",
          success: false,
          error: { code: "invalid_format", message: "Message incorrectly formatted." },
        },
        { id: 3, type: "pong" },
      ]);
      expect(stringId.error).toEqual({ code: "invalid_format", message: "Message incorrectly formatted." });
      expect(closedWith).toBe(1000);
      expect(await answer(fresh, { id: 2, type: "ping" })).toEqual({ id: 2, type: "pong" });
    });

    it("lets a user who is not an administrator subscribe to state_changed but not to everything", async () => {
      await home.stop();
      home = new SimulatedHome({ rooms: { den: { area: "den" } }, admin: false, logger: silentLogger() });
      await home.start();
      const peer = await authenticated();

      const everything = await answer(peer, { id: 2, type: "subscribe_events" });
      const states = await answer(peer, { id: 3, type: "subscribe_events", event_type: "state_changed" });

      expect(everything.error).toEqual({ code: "unauthorized", message: "Unauthorized" });
      expect(states.success).toBe(true);
    });

    it("records logbook entries, requiring a name and a message", async () => {
      const peer = await authenticated();
      await answer(peer, { id: 2, type: "subscribe_events", event_type: "logbook_entry" });

      const missing = await answer(peer, {
        id: 3,
        type: "call_service",
        domain: "logbook",
        service: "log",
        service_data: { name: "Hub" },
      });
      const service_data = { name: "Emotion hub", message: "Living room felt calm (80 %) → scene Relax" };
      const frames = await peer.exchange({
        id: 4,
        type: "call_service",
        domain: "logbook",
        service: "log",
        service_data,
      });

      expect(missing.error).toEqual({ code: "invalid_format", message: "required key not provided @ data['message']" });
      expect(at(frames[0], "event", "event_type")).toBe("logbook_entry");
      expect(at(frames[0], "event", "data")).toEqual(service_data);
      expect(home.calls.map((call) => [call.domain, call.service, call.service_data])).toEqual([
        ["logbook", "log", service_data],
      ]);
    });

    it("activates a seeded Home Assistant scene", async () => {
      const peer = await authenticated();

      await answer(peer, {
        id: 2,
        type: "call_service",
        domain: "scene",
        service: "turn_on",
        target: { entity_id: "scene.living_room_relax" },
      });

      expect(home.states("light.living_room_light")).toMatchObject({ state: "on", attributes: { brightness: 77 } });
      expect(home.states("scene.living_room_relax")?.state).not.toBe("unknown");
    });

    it("plays, pauses and stops music and refuses two colours at once", async () => {
      const peer = await authenticated();
      const speaker = { entity_id: "media_player.living_room_speaker" };
      const call = (id: number, service: string, service_data: Frame = {}) =>
        answer(peer, { id, type: "call_service", domain: "media_player", service, target: speaker, service_data });

      await call(2, "play_media", { media_content_id: "radio/calm", media_content_type: "music" });
      const playing = home.states(speaker.entity_id);
      await call(3, "media_pause");
      const paused = home.states(speaker.entity_id)?.state;
      await call(4, "media_stop");
      const colours = await answer(peer, {
        id: 5,
        type: "call_service",
        domain: "light",
        service: "turn_on",
        service_data: { rgb_color: [255, 0, 0], color_temp_kelvin: 3000 },
      });

      expect(playing).toMatchObject({ state: "playing", attributes: { media_content_id: "radio/calm" } });
      expect(paused).toBe("paused");
      expect(home.states(speaker.entity_id)?.state).toBe("idle");
      expect(at(colours, "error", "code")).toBe("invalid_format");
    });

    it("refuses an HVAC mode the thermostat does not have and leaves it untouched", async () => {
      const peer = await authenticated();
      const target = { area_id: "living_room" };

      const refused = await answer(peer, {
        id: 2,
        type: "call_service",
        domain: "climate",
        service: "set_temperature",
        target,
        service_data: { temperature: 19, hvac_mode: "dry" },
      });
      await answer(peer, {
        id: 3,
        type: "call_service",
        domain: "climate",
        service: "set_hvac_mode",
        target,
        service_data: { hvac_mode: "cool" },
      });

      expect(at(refused, "error", "code")).toBe("service_validation_error");
      expect(home.states("climate.living_room_thermostat")).toMatchObject({
        state: "cool",
        attributes: { temperature: 20 },
      });
    });
  });
});
