import type { Socket } from "node:net";
import mqtt from "mqtt";
import type { Logger } from "../logger.js";

export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void | Promise<void>;

export interface MqttClientOptions {
  url: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** Last will: published by the broker if this client vanishes. */
  will?: { topic: string; payload: string; retain: boolean };
  /** Milliseconds between reconnect attempts. */
  reconnectPeriod?: number;
  /** Longest wait, in milliseconds, for the broker to acknowledge a publish, a (un)subscribe or a disconnect. */
  ackTimeoutMs?: number;
  logger: Logger;
}

const ACK_TIMEOUT_MS = 5000;

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

/**
 * The hub's only door to MQTT. It sets no-delay on every socket (Nagle's algorithm meeting delayed ACKs adds
 * tens of milliseconds to each QoS 1 hop), resubscribes after reconnects, refuses to publish to wildcard
 * topics, and isolates message handlers so a throwing handler never takes the client down.
 */
export class MqttClient {
  private readonly client: mqtt.MqttClient;
  private readonly handlers: { pattern: string; handler: MessageHandler }[] = [];
  private readonly connectListeners: (() => void | Promise<void>)[] = [];
  private readonly disconnectListeners: (() => void)[] = [];
  private readonly logger: Logger;
  private readonly ackTimeoutMs: number;
  private wasConnected = false;

  constructor(options: MqttClientOptions) {
    this.logger = options.logger;
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.client = mqtt.connect(options.url, {
      clientId: options.clientId ?? `emotion-hub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: options.username,
      password: options.password,
      will: options.will ? { ...options.will, qos: 1 } : undefined,
      reconnectPeriod: options.reconnectPeriod ?? 2000,
      connectTimeout: 10_000,
      resubscribe: true,
    });
    this.client.on("connect", () => this.handleConnect());
    this.client.on("close", () => this.handleClose());
    this.client.on("error", (error) => this.logger.warn(`MQTT client error (${error.message})`));
    this.client.on("message", (topic, payload, packet) => this.dispatch(topic, payload, packet.retain));
    this.client.stream?.on?.("connect", () => this.setNoDelay());
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves once connected; rejects after `timeoutMs`, on `signal`, or when `close()` is called first. */
  async waitConnected(timeoutMs = 15_000, signal?: AbortSignal): Promise<void> {
    if (this.client.connected) {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.client.off("connect", onConnect);
        this.client.off("end", onEnd);
        signal?.removeEventListener("abort", onAbort);
        error === undefined ? resolve() : reject(error);
      };
      const onConnect = () => settle();
      const onEnd = () => settle(new Error("closed before connecting to the MQTT broker"));
      const onAbort = () => settle(new Error("stopped before connecting to the MQTT broker"));
      const timer = setTimeout(() => settle(new Error("timed out connecting to the MQTT broker")), timeoutMs);
      this.client.on("connect", onConnect);
      this.client.on("end", onEnd);
      signal?.aborted ? onAbort() : signal?.addEventListener("abort", onAbort);
    });
  }

  /** Runs on every (re)connect, for example to publish a retained `online` status. */
  onConnect(listener: () => void | Promise<void>): void {
    this.connectListeners.push(listener);
    if (this.client.connected) {
      void this.runConnectListener(listener);
    }
  }

  /** Runs every time the connection goes down (also after each failed reconnect attempt). */
  onDisconnect(listener: () => void): void {
    this.disconnectListeners.push(listener);
  }

  /**
   * Resolves once the broker has the message. While offline, mqtt.js keeps the message for the reconnect and
   * this resolves at once: waiting for a broker that may never come back would hold the caller (and shutdown).
   */
  async publish(topic: string, payload: string | Buffer | object, options: PublishOptions = {}): Promise<void> {
    if (topic.includes("+") || topic.includes("#")) {
      throw new Error(`refused to publish to wildcard topic '${topic}'`);
    }
    const body = typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    const sent = this.client.publishAsync(topic, body, { retain: options.retain ?? false, qos: options.qos ?? 0 });
    if (!this.client.connected) {
      sent.catch((error: Error) => this.logger.debug(`dropped a message for '${topic}' (${error.message})`));
      return;
    }
    await this.bounded(sent, `publishing to '${topic}'`);
  }

  /**
   * Resolves once the broker has the subscription. While offline this resolves at once: mqtt.js records the
   * pattern for its resubscribe and sends it with the reconnect, and waiting for that would hold start-up (and a
   * shutdown asked for during it) for as long as the broker is away.
   */
  async subscribe(pattern: string, handler: MessageHandler, qos: 0 | 1 = 0): Promise<void> {
    this.handlers.push({ pattern, handler });
    const done = this.client.subscribeAsync(pattern, { qos });
    if (!this.client.connected) {
      // mqtt.js fails the queued request when the next reconnect attempt fails, yet keeps the pattern to resubscribe.
      done.catch((error: Error) => this.logger.debug(`deferred subscribing to '${pattern}' (${error.message})`));
      return;
    }
    await this.bounded(done, `subscribing to '${pattern}'`);
  }

  async unsubscribe(pattern: string): Promise<void> {
    for (let i = this.handlers.length - 1; i >= 0; i--) {
      if (this.handlers[i]?.pattern === pattern) {
        this.handlers.splice(i, 1);
      }
    }
    // Offline, mqtt.js still forgets the pattern for its resubscribe, but the broker's reply waits for a reconnect.
    const done = this.client.unsubscribeAsync(pattern);
    if (!this.client.connected) {
      done.catch(() => undefined);
      return;
    }
    await this.bounded(done, `unsubscribing from '${pattern}'`);
  }

  /**
   * Disconnects cleanly (the broker drops the last will), after the messages under way are acknowledged. When the
   * broker is away or does not answer in time, the connection is dropped instead.
   */
  async close(): Promise<void> {
    if (!this.client.connected) {
      await this.client.endAsync(true);
      return;
    }
    try {
      await this.bounded(this.client.endAsync(false), "disconnecting");
    } catch (error) {
      // mqtt.js is left waiting for acknowledgements that will not come; only dropping the socket ends that.
      this.logger.warn(`failed to disconnect from the MQTT broker cleanly (${(error as Error).message})`);
      this.client.stream?.destroy();
    }
  }

  /** Rejects when the broker takes longer than `ackTimeoutMs` to answer. */
  private async bounded<T>(operation: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out ${what}`)), this.ackTimeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private handleConnect(): void {
    this.setNoDelay();
    this.logger.info(this.wasConnected ? "MQTT connection regained" : "connected to MQTT broker");
    this.wasConnected = true;
    for (const listener of this.connectListeners) {
      void this.runConnectListener(listener);
    }
  }

  private handleClose(): void {
    if (this.wasConnected && !this.client.disconnecting) {
      this.logger.warn("MQTT connection lost");
    }
    for (const listener of this.disconnectListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error(`failed to run MQTT disconnect listener (${(error as Error).message})`);
      }
    }
  }

  private setNoDelay(): void {
    const socket = this.client.stream as Partial<Socket> | undefined;
    socket?.setNoDelay?.(true);
  }

  private async runConnectListener(listener: () => void | Promise<void>): Promise<void> {
    try {
      await listener();
    } catch (error) {
      this.logger.error(`failed to run MQTT connect listener (${(error as Error).message})`);
    }
  }

  private dispatch(topic: string, payload: Buffer, retained: boolean): void {
    for (const { pattern, handler } of this.handlers) {
      if (topicMatches(pattern, topic)) {
        void this.runHandler(handler, topic, payload, retained);
      }
    }
  }

  private async runHandler(handler: MessageHandler, topic: string, payload: Buffer, retained: boolean): Promise<void> {
    try {
      await handler(topic, payload, retained);
    } catch (error) {
      this.logger.error(`failed to handle message on '${topic}' (${(error as Error).message})`);
    }
  }
}

/** Whether an MQTT subscription pattern (with `+` and `#`) matches a topic. */
export function topicMatches(pattern: string, topic: string): boolean {
  const wanted = pattern.split("/");
  const actual = topic.split("/");
  for (let i = 0; i < wanted.length; i++) {
    const part = wanted[i];
    if (part === "#") {
      return true;
    }
    if (i >= actual.length || (part !== "+" && part !== actual[i])) {
      return false;
    }
  }

  return wanted.length === actual.length;
}
