"use strict";

const { connectNode, showResult, reportSetupError, percent, shorten } = require("./lib/nodeSupport.js");

const DEFAULT_TIMEOUT_S = 15;

module.exports = (RED) => {
  /** Classifies `msg.payload` text with the hub's model. The text is never logged or shown. */
  function EmotionHubClassifyNode(config) {
    RED.nodes.createNode(this, config);
    const aborter = new AbortController();
    const timeoutMs = (Number(config.timeout) || DEFAULT_TIMEOUT_S) * 1000;
    const connecting = connectNode(RED, this, config.hub);
    connecting.catch((error) => reportSetupError(this, error));

    this.on("input", (msg, send, done) => {
      classify(this, connecting, msg.payload, timeoutMs, aborter.signal)
        .then((result) => {
          send({ ...msg, payload: result });
          done();
        })
        .catch((error) => {
          showResult(this, { fill: "red", shape: "dot", text: shorten(error.message) });
          done(error);
        });
    });
    this.on("close", () => aborter.abort());
  }

  async function classify(node, connecting, text, timeoutMs, signal) {
    if (typeof text !== "string" || text.trim() === "") {
      throw new Error("nothing to classify (msg.payload must be non-empty text)");
    }
    const connection = await connecting;
    node.status({ fill: "blue", shape: "ring", text: "classifying" });
    const { body } = await connection.request({
      topic: connection.topics.request("classify"),
      body: { text },
      replyPattern: connection.topics.response("classify"),
      timeoutMs,
      signal,
    });
    if (body.status !== "ok") {
      throw new Error(`failed to classify (${body.error ?? "the hub gave no reason"})`);
    }
    const { scores, labels, top } = body.data ?? {};
    showResult(node, { fill: "green", shape: "dot", text: `${top}: ${percent(scores?.[top])}` });

    return { scores, labels, top };
  }

  RED.nodes.registerType("emotion-hub-classify", EmotionHubClassifyNode);
};
