"use strict";

const { ReplyTimeout } = require("./lib/hubConnection.js");
const { connectNode, showResult, reportSetupError, shorten } = require("./lib/nodeSupport.js");
const { hasParts, roomFor, sceneFromForm, withOverrides } = require("./lib/sceneForm.js");

const DEFAULT_TIMEOUT_S = 15;

module.exports = (RED) => {
  /** Asks the hub to apply a scene to a room and reports the outcome. */
  function EmotionHubSceneNode(config) {
    RED.nodes.createNode(this, config);
    const aborter = new AbortController();
    const timeoutMs = (Number(config.timeout) || DEFAULT_TIMEOUT_S) * 1000;
    const connecting = connectNode(RED, this, config.hub);
    connecting.catch((error) => reportSetupError(this, error));

    this.on("input", (msg, send, done) => {
      prepare(config, msg)
        .then(async ({ room, scene }) => {
          if (!hasParts(scene)) {
            showResult(this, { fill: "grey", shape: "ring", text: `${room}: nothing to apply` });
            return;
          }
          const connection = await connecting;
          const outcome = await apply(this, connection, { room, scene, timeoutMs, signal: aborter.signal });
          send({ ...msg, topic: room, scene, payload: outcome });
        })
        .then(() => done(), done);
    });
    this.on("close", () => aborter.abort());
  }

  async function prepare(config, msg) {
    const room = roomFor(config, msg);
    if (!room) {
      throw new Error("no room for the scene (set the node's room, msg.payload.room or msg.topic)");
    }
    if (!/^[a-zA-Z0-9_-]+$/.test(room)) {
      throw new Error(`invalid room '${room}' (letters, digits, _ and - only)`);
    }

    return { room, scene: withOverrides(sceneFromForm(config), msg.payload) };
  }

  async function apply(node, connection, { room, scene, timeoutMs, signal }) {
    node.status({ fill: "blue", shape: "ring", text: `${room}: applying` });
    let outcome;
    try {
      const { body } = await connection.request({
        topic: connection.topics.sceneSet(room),
        body: scene,
        replyPattern: connection.topics.scene(room),
        timeoutMs,
        signal,
      });
      outcome = body;
    } catch (error) {
      if (!(error instanceof ReplyTimeout)) {
        throw error;
      }
      outcome = { scene: scene.name ?? "custom", status: "error", error: { code: error.code, message: error.message } };
      outcome.at = new Date().toISOString();
    }
    showOutcome(node, room, outcome);

    return outcome;
  }

  function showOutcome(node, room, outcome) {
    if (outcome.status === "ok") {
      showResult(node, { fill: "green", shape: "dot", text: `${room}: applied ${outcome.scene ?? ""}`.trim() });
      return;
    }
    const reason = outcome.error?.message ?? outcome.error?.code ?? "unknown error";
    showResult(node, { fill: "red", shape: "dot", text: shorten(`${room}: ${reason}`, 60) });
  }

  RED.nodes.registerType("emotion-hub-scene", EmotionHubSceneNode);
};
