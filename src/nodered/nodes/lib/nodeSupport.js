"use strict";

const STATE_STATUS = {
  connecting: { fill: "yellow", shape: "ring", text: "connecting" },
  connected: { fill: "green", shape: "ring", text: "connected" },
  disconnected: { fill: "red", shape: "ring", text: "disconnected" },
};

/** Resolves the node's hub connection and mirrors its state in the status until the node closes. */
async function connectNode(RED, node, hubId) {
  const hub = RED.nodes.getNode(hubId);
  if (!hub) {
    node.status({ fill: "red", shape: "ring", text: "no hub configured" });
    throw new Error("no emotion-hub connection configured (choose one in the node's Hub field)");
  }
  node.status(STATE_STATUS.connecting);
  const connection = await hub.connection();
  // Once the node has something to show, a regained connection brings that back rather than "connected".
  const stopWatching = connection.onState((state) => {
    node.status(state === "connected" && node.lastStatus ? node.lastStatus : STATE_STATUS[state]);
  });
  node.on("close", () => stopWatching());

  return connection;
}

/** Sets the status the node shows while connected. */
function showResult(node, status) {
  node.lastStatus = status;
  node.status(status);
}

/** Reports a failure to set the node up: a red status and an error Catch nodes do not see (no message). */
function reportSetupError(node, error) {
  node.status({ fill: "red", shape: "ring", text: shorten(error.message) });
  node.error(error.message);
}

function percent(value) {
  return typeof value === "number" && Number.isFinite(value) ? `${Math.round(value * 100)}%` : "?";
}

function shorten(text, length = 40) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

module.exports = { connectNode, showResult, reportSetupError, percent, shorten };
