"use strict";

const { listenToRoomEvents } = require("./lib/roomEvents.js");

module.exports = (RED) => {
  /** Emits a message each time a room's mood changes. */
  function EmotionHubMoodNode(config) {
    RED.nodes.createNode(this, config);
    listenToRoomEvents(RED, this, config, {
      kind: "mood",
      toPayload: (event) => ({
        room: event.room,
        mood: event.mood,
        previous: event.previous,
        confidence: event.confidence,
        scores: event.scores,
        since: event.since,
      }),
      label: (event) => event.mood,
    });
  }

  RED.nodes.registerType("emotion-hub-mood", EmotionHubMoodNode);
};
