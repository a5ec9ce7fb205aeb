"use strict";

const { randomUUID } = require("node:crypto");

/** Polls the adapter's connection flag: MqttClient has no disconnect event. */
const STATE_POLL_MS = 2000;

/**
 * One shared MQTT connection to a hub, owned by a config node. Many nodes listen to the same topic pattern
 * through one broker subscription, and request/reply exchanges are matched by their `transaction`.
 */
class HubConnection {
  /**
   * @param {{ client: object, topics: object }} parts the hub's MqttClient and Topics, from dist/
   */
  constructor({ client, topics }) {
    this.client = client;
    this.topics = topics;
    this.listeners = new Map();
    this.subscriptions = new Map();
    this.stateListeners = new Set();
    this.connectWaiters = [];
    this.state = "connecting";
    this.closed = false;
    client.onConnect(() => this.setState("connected"));
    this.poll = setInterval(() => this.setState(client.connected ? "connected" : "disconnected"), STATE_POLL_MS);
    this.poll.unref();
  }

  /** Calls `listener(state)` now and on every change of "connecting", "connected" or "disconnected". */
  onState(listener) {
    this.stateListeners.add(listener);
    listener(this.state);

    return () => this.stateListeners.delete(listener);
  }

  /** Adds a listener for a topic pattern; resolves, once the broker has the subscription, with its remover. */
  async subscribe(pattern, listener) {
    const remove = this.addListener(pattern, listener);
    await this.brokerSubscription(pattern);

    return remove;
  }

  async publish(topic, body) {
    await this.client.publish(topic, JSON.stringify(body), { qos: 1 });
  }

  /**
   * Publishes `body` with a fresh transaction to `topic`, then resolves with the first JSON message on
   * `replyPattern` that echoes it: `{ transaction, topic, body }`. Rejects after `timeoutMs` or when `signal` aborts.
   */
  async request({ topic, body, replyPattern, timeoutMs, signal }) {
    const transaction = randomUUID();
    const waiter = this.waitForReply(replyPattern, transaction, timeoutMs, signal);
    try {
      // Offline, the subscription waits for the connection; the request's own timeout and abort still apply.
      await Promise.race([this.brokerSubscription(replyPattern), waiter.reply]);
      await this.publish(topic, { ...body, transaction });
      const reply = await waiter.reply;

      return { transaction, ...reply };
    } finally {
      waiter.cancel();
    }
  }

  async close() {
    this.closed = true;
    clearInterval(this.poll);
    this.listeners.clear();
    await this.client.close();
  }

  addListener(pattern, listener) {
    let set = this.listeners.get(pattern);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(pattern, set);
    }
    set.add(listener);

    return () => set.delete(listener);
  }

  waitForReply(pattern, transaction, timeoutMs, signal) {
    let cancel = () => undefined;
    const reply = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ReplyTimeout(timeoutMs)), timeoutMs);
      const onAbort = () => reject(new Error("the request was cancelled"));
      signal?.addEventListener("abort", onAbort, { once: true });
      const remove = this.addListener(pattern, (topic, payload) => {
        const body = parseJson(payload);
        if (body?.transaction === transaction) {
          resolve({ topic, body });
        }
      });
      cancel = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        remove();
      };
    });
    // A timeout while the request is still subscribing is reported by the await, not as an unhandled rejection.
    reply.catch(() => undefined);

    return { reply, cancel: () => cancel() };
  }

  /**
   * Subscribes once connected: offline, the adapter returns from a subscribe at once, before the broker has it,
   * and a node would show `listening` while it could still miss messages.
   */
  brokerSubscription(pattern) {
    let pending = this.subscriptions.get(pattern);
    if (pending === undefined) {
      pending = this.whenConnected().then(() =>
        this.client.subscribe(
          pattern,
          (topic, payload, retained) => this.dispatch(pattern, topic, payload, retained),
          1,
        ),
      );
      pending.catch(() => this.subscriptions.delete(pattern));
      this.subscriptions.set(pattern, pending);
    }

    return pending;
  }

  dispatch(pattern, topic, payload, retained) {
    for (const listener of this.listeners.get(pattern) ?? []) {
      listener(topic, payload, retained);
    }
  }

  /** Resolves when the connection is (or, as far as the last poll knows, still is) up. */
  whenConnected() {
    if (this.client.connected || this.state === "connected") {
      return Promise.resolve();
    }

    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  setState(state) {
    if (state === this.state || this.closed) {
      return;
    }
    this.state = state;
    if (state === "connected") {
      for (const resolve of this.connectWaiters.splice(0)) {
        resolve();
      }
    }
    for (const listener of this.stateListeners) {
      listener(state);
    }
  }
}

/** No reply within the time limit. */
class ReplyTimeout extends Error {
  constructor(timeoutMs) {
    super(`no answer from the hub within ${Math.round(timeoutMs / 1000)} s`);
    this.code = "timeout";
  }
}

/** The JSON in an MQTT payload, or undefined when it is not JSON. */
function parseJson(payload) {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
}

module.exports = { HubConnection, ReplyTimeout, parseJson };
