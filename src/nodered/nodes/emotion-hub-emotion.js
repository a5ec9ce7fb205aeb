"use strict";

const { listenToRoomEvents } = require("./lib/roomEvents.js");

module.exports = (RED) => {
  /** Emits a message for every classified utterance (its scores, never its text). */
  function EmotionHubEmotionNode(config) {
    RED.nodes.createNode(this, config);
    listenToRoomEvents(RED, this, config, {
      kind: "emotion",
      toPayload: (event) => ({
        room: event.room,
        top: event.top,
        confidence: event.confidence,
        scores: event.scores,
        at: event.at,
        source: event.source,
      }),
      label: (event) => event.top,
    });
  }

  RED.nodes.registerType("emotion-hub-emotion", EmotionHubEmotionNode);
};
