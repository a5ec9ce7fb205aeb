"use strict";

const { parseJson } = require("./hubConnection.js");
const { connectNode, showResult, reportSetupError, percent } = require("./nodeSupport.js");

/**
 * Wires an input node to one per-room event stream (`mood` or `emotion`): subscribes to one room or all, skips
 * retained replays, and sends each event on with `msg.topic` set to the room.
 *
 * @param {object} spec `{ kind, toPayload(event), label(event) }`
 */
function listenToRoomEvents(RED, node, config, spec) {
  const room = (config.room ?? "").trim();
  let remove = () => undefined;
  node.on("close", () => remove());
  connectNode(RED, node, config.hub)
    .then((connection) => {
      const pattern =
        room === "" ? connection.topics[`any${capital(spec.kind)}`]() : connection.topics[spec.kind](room);
      return connection.subscribe(pattern, (topic, payload, retained) => {
        // A retained message is the last state replayed on (re)subscribe, not a change: acting on it would
        // re-apply scenes on every deploy and reconnect.
        if (!retained) {
          forward(node, spec, topic, payload);
        }
      });
    })
    .then((remover) => {
      remove = remover;
      showResult(node, { fill: "green", shape: "ring", text: room === "" ? "listening" : `listening: ${room}` });
    })
    .catch((error) => reportSetupError(node, error));
}

function forward(node, spec, topic, payload) {
  const event = parseJson(payload);
  if (event === null || typeof event !== "object" || typeof event.room !== "string") {
    node.warn(`ignored a ${spec.kind} event on '${topic}' (not a JSON object with a room)`);
    return;
  }
  node.send({ topic: event.room, payload: spec.toPayload(event) });
  showResult(node, {
    fill: "green",
    shape: "dot",
    text: `${event.room}: ${spec.label(event)} ${percent(event.confidence)}`,
  });
}

function capital(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

module.exports = { listenToRoomEvents };
