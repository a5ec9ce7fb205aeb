"use strict";

const path = require("node:path");
const { pathToFileURL } = require("node:url");

// The hub's compiled MQTT adapter and topic map (built by `npm run build`): the nodes speak MQTT only through them.
const DIST = path.resolve(__dirname, "..", "..", "..", "..", "dist");

let loading;

/** Loads `{ MqttClient, Topics, ROOM_ID_PATTERN }` from the hub's dist/ folder, once per process. */
function loadHubModules() {
  loading ??= Promise.all([importDist("mqtt/client.js"), importDist("mqtt/topics.js")]).then(([client, topics]) => ({
    MqttClient: client.MqttClient,
    Topics: topics.Topics,
    ROOM_ID_PATTERN: topics.ROOM_ID_PATTERN,
  }));
  // A failed load (for example before the first build) is retried on the next deploy.
  loading.catch(() => {
    loading = undefined;
  });

  return loading;
}

async function importDist(file) {
  const location = path.join(DIST, file);
  try {
    return await import(pathToFileURL(location).href);
  } catch (error) {
    throw new Error(`failed to load the hub's MQTT adapter from '${location}' (${error.message}; run npm run build)`);
  }
}

module.exports = { loadHubModules };
