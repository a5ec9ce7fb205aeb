"use strict";

const { HubConnection } = require("./lib/hubConnection.js");
const { loadHubModules } = require("./lib/hubModules.js");

const FALLBACK = { mqttUrl: "mqtt://127.0.0.1:1883", baseTopic: "emotion-hub" };

module.exports = (RED) => {
  /**
   * The connection to one hub: its broker, base topic and log-in. Empty fields take the embedded hub's settings;
   * the hub's broker log-in is used only for the hub's own broker.
   */
  function EmotionHubConfigNode(config) {
    RED.nodes.createNode(this, config);
    const embedded = RED.settings.emotionHub ?? {};
    this.name = config.name;
    this.broker = (config.broker ?? "").trim() || embedded.mqttUrl || FALLBACK.mqttUrl;
    this.baseTopic = (config.baseTopic ?? "").trim() || embedded.baseTopic || FALLBACK.baseTopic;
    this.login = brokerLogin(this.credentials, embedded, this.broker);
    this.opening = undefined;

    /** Resolves with the shared HubConnection, opening it on first use. */
    this.connection = () => {
      this.opening ??= openConnection(this);

      return this.opening;
    };

    this.on("close", (_removed, done) => {
      const opening = this.opening;
      this.opening = undefined;
      void closeConnection(this, opening).then(() => done());
    });
  }

  async function openConnection(node) {
    if (/[+#]/.test(node.baseTopic)) {
      throw new Error(`refused base topic '${node.baseTopic}' (it may not contain + or #)`);
    }
    const { MqttClient, Topics } = await loadHubModules();
    const client = new MqttClient({
      url: node.broker,
      clientId: `emotion-hub-nodered-${Math.random().toString(16).slice(2, 10)}`,
      username: node.login.username,
      password: node.login.password,
      reconnectPeriod: 5000,
      logger: nodeLogger(node),
    });

    return new HubConnection({ client, topics: new Topics(node.baseTopic) });
  }

  /** The node's own log-in; without one, the embedded hub's, which must not travel to another broker. */
  function brokerLogin(credentials, embedded, broker) {
    if (credentials?.username || credentials?.password) {
      return { username: credentials.username || undefined, password: credentials.password || undefined };
    }

    return broker === embedded.mqttUrl ? { username: embedded.username, password: embedded.password } : {};
  }

  async function closeConnection(node, opening) {
    if (opening === undefined) {
      return;
    }
    try {
      await (await opening).close();
    } catch (error) {
      node.debug(`failed to close the hub connection (${error.message})`);
    }
  }

  /** The adapter logs through the node, so messages carry the node's name in Node-RED's log. */
  function nodeLogger(node) {
    return {
      error: (text) => node.error(text),
      warn: (text) => node.warn(text),
      info: (text) => node.log(text),
      debug: (text) => node.debug(text),
    };
  }

  RED.nodes.registerType("emotion-hub-config", EmotionHubConfigNode, {
    credentials: { username: { type: "text" }, password: { type: "password" } },
  });
};
