import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hubDevice, roomDevice } from "../../src/discovery/discoveryPayloads.js";
import { Topics } from "../../src/mqtt/topics.js";

const ctx = { topics: new Topics("emotion-hub"), prefix: "homeassistant", hubId: "emotion_hub", version: "0.1.0" };

/** Every `entity:` value and every string in `entities:` or `entity_id:` lists, anywhere in the dashboard. */
function referencedEntities(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) {
      referencedEntities(item, into);
    }
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "entity" && typeof value === "string") {
        into.push(value);
      } else if ((key === "entities" || key === "entity_id") && Array.isArray(value)) {
        into.push(...value.filter((item): item is string => typeof item === "string"));
      }
      referencedEntities(value, into);
    }
  }

  return into;
}

describe("config/dashboard.yaml", () => {
  const dashboard = parse(readFileSync(new URL("../../config/dashboard.yaml", import.meta.url), "utf8")) as {
    views: { cards: { type: string }[] }[];
  };
  const discovered = [hubDevice(ctx), roomDevice(ctx, "living_room", {})].flatMap((message) =>
    Object.values(message.payload.components).map((component) => component.default_entity_id),
  );

  it("uses only entity ids that discovery suggests for living_room and the default hub id", () => {
    const used = new Set(referencedEntities(dashboard));

    expect([...used].filter((id) => !discovered.includes(id))).toEqual([]);
  });

  it("shows every discovered entity, the mood history and the explanations", () => {
    const used = new Set(referencedEntities(dashboard));
    const types = dashboard.views.flatMap((view) => view.cards.map((card) => card.type));

    expect(discovered.filter((id) => id !== undefined && !used.has(id))).toEqual([]);
    expect(types).toEqual(expect.arrayContaining(["history-graph", "logbook", "entities"]));
  });
});
