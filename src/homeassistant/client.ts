import { EventEmitter } from "node:events";
import homeassistantWs from "homeassistant-ws";
import WebSocket from "ws";
import type { Logger } from "../logger.js";
import {
  asHomeAssistantError,
  closedDuringHandshake,
  type Handshake,
  handshakeError,
  observeHandshake,
  parseFrame,
} from "./handshake.js";
import { FATAL_CODES, HomeAssistantError } from "./homeAssistantError.js";
import type { HaState, HaUser, ServiceCallResult, ServiceTarget, StateChangedEvent } from "./types.js";

export { HomeAssistantError } from "./homeAssistantError.js";

type CreateClient = typeof homeassistantWs.default;
type HassApi = Awaited<ReturnType<CreateClient>>;

// homeassistant-ws is CommonJS with `exports.default`: Node's ESM loader hands over the module object, while
// loaders that unwrap CommonJS defaults (Vite, bundlers) hand over the function itself.
const createClient: CreateClient =
  typeof homeassistantWs === "function" ? (homeassistantWs as unknown as CreateClient) : homeassistantWs.default;
type Frame = Record<string, unknown>;

export interface HomeAssistantClientOptions {
  /** WebSocket API URL, `ws://host:8123/api/websocket`. */
  url: string;
  /** Long-lived access token; never logged. */
  token: string;
  /** Milliseconds before a call is given up with code `timeout`. Default 10,000. */
  callTimeoutMs?: number;
  /** Milliseconds between pings; 0 turns the heartbeat off. Default 30,000. */
  heartbeatIntervalMs?: number;
  /** Milliseconds to wait for a pong before the socket is dropped. Default 10,000. */
  heartbeatTimeoutMs?: number;
  /** First reconnect delay in milliseconds; doubles per failed attempt. Default 1,000. */
  reconnectMinDelayMs?: number;
  /** Upper bound of the reconnect delay in milliseconds. Default 30,000. */
  reconnectMaxDelayMs?: number;
  /** Milliseconds from opening the socket to `auth_ok` and the event subscription. Default 30,000. */
  handshakeTimeoutMs?: number;
  logger: Logger;
}

/** Events of {@link HomeAssistantClient}, for `on`, `once` and `events.once`. */
export interface HomeAssistantClientEvents {
  /** Each successful (re)connect. */
  connected: [];
  /** The socket dropped; the client reconnects by itself. */
  disconnected: [reason: string];
  /** A `state_changed` event from Home Assistant. */
  state_changed: [event: StateChangedEvent];
  /** The token was refused; the client has stopped retrying. */
  auth_failed: [error: HomeAssistantError];
}

interface Link {
  api: HassApi;
  socket: WebSocket;
  dropReason?: string;
}

interface Pending {
  link: Link;
  resolve: (value: unknown) => void;
  reject: (error: HomeAssistantError) => void;
  timer: NodeJS.Timeout;
}

/**
 * The hub's only door to Home Assistant, built on `homeassistant-ws`. It adds what that package lacks: a
 * supervisor that reconnects with capped exponential backoff and jitter (and stops on a refused token), a
 * ping heartbeat that drops half-open sockets, per-call timeouts, rejection of every pending call when the
 * socket drops, and errors that keep Home Assistant's code. Calls made while disconnected fail at once with
 * `not_connected`; nothing is queued.
 */
export class HomeAssistantClient extends EventEmitter<HomeAssistantClientEvents> {
  private readonly options: Required<HomeAssistantClientOptions>;
  private readonly logger: Logger;
  private readonly pending = new Map<number, Pending>();
  private link: Link | undefined;
  private opening: WebSocket | undefined;
  private running = false;
  private everConnected = false;
  private fatal: HomeAssistantError | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(options: HomeAssistantClientOptions) {
    super();
    if (!/^wss?:\/\//.test(options.url)) {
      throw new Error(`Home Assistant URL '${options.url}' must start with ws:// or wss://`);
    }

    if (options.token.length === 0) {
      throw new Error("Home Assistant token is empty");
    }

    this.options = {
      callTimeoutMs: 10_000,
      heartbeatIntervalMs: 30_000,
      heartbeatTimeoutMs: 10_000,
      reconnectMinDelayMs: 1_000,
      reconnectMaxDelayMs: 30_000,
      handshakeTimeoutMs: 30_000,
      ...options,
    };
    this.logger = options.logger;
  }

  get connected(): boolean {
    return this.link !== undefined;
  }

  /** The error that stopped the client for good (a refused token), if any. */
  get failure(): HomeAssistantError | undefined {
    return this.fatal;
  }

  /** Begins connecting in the background and keeps the connection up until `stop()`. Never throws. */
  start(): void {
    if (this.running) {
      return;
    }

    this.running = true;
    this.fatal = undefined;
    void this.supervise();
  }

  /** Closes the connection, stops reconnecting and rejects pending calls. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.opening?.terminate();
    const link = this.link;
    if (link === undefined) {
      return;
    }

    link.dropReason = "client stopped";
    const closed = new Promise<void>((resolve) => link.socket.once("close", () => resolve()));
    link.socket.terminate();
    await closed;
  }

  /** Resolves once connected; rejects with `auth_invalid`/`unauthorized` or, after `timeoutMs`, `timeout`. */
  async waitConnected(timeoutMs = 15_000): Promise<void> {
    if (this.link !== undefined) {
      return;
    }

    if (this.fatal !== undefined) {
      throw this.fatal;
    }

    await new Promise<void>((resolve, reject) => {
      const done = (error?: HomeAssistantError) => {
        clearTimeout(timer);
        this.off("connected", done);
        this.off("auth_failed", done);
        error === undefined ? resolve() : reject(error);
      };
      const timer = setTimeout(() => done(this.timeoutError(timeoutMs)), timeoutMs);
      this.on("connected", done);
      this.on("auth_failed", done);
    });
  }

  /** Calls a service, targeted by area or entity ids. Resolves with the call's context. */
  callService(
    domain: string,
    service: string,
    serviceData: object = {},
    target?: ServiceTarget,
  ): Promise<ServiceCallResult> {
    const payload = { domain, service, service_data: serviceData, ...(target === undefined ? {} : { target }) };

    return this.command<ServiceCallResult>("call_service", payload);
  }

  getStates(): Promise<HaState[]> {
    return this.command<HaState[]>("get_states");
  }

  /** The user owning the token; its id marks the hub's own changes in `context.user_id`. */
  currentUser(): Promise<HaUser> {
    return this.command<HaUser>("auth/current_user");
  }

  /** Sends any WebSocket command and resolves with its `result`. */
  command<T>(type: string, payload: Record<string, unknown> = {}, timeoutMs = this.options.callTimeoutMs): Promise<T> {
    const link = this.link;
    if (link === undefined) {
      return Promise.reject(this.notConnectedError());
    }

    // homeassistant-ws takes the id from `seq` synchronously inside `command`.
    const id = link.api.rawClient.seq;

    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id, type, timeoutMs), timeoutMs);
      this.pending.set(id, { link, resolve: resolve as (value: unknown) => void, reject, timer });
      link.api.command(type, payload).catch((error: unknown) => this.settleWithError(id, link, error));
    });
  }

  private async supervise(): Promise<void> {
    let attempt = 0;
    while (this.running && this.link === undefined) {
      try {
        this.adopt(await this.open());
      } catch (error) {
        const failure = asHomeAssistantError(error, "not_connected");
        if (FATAL_CODES.has(failure.code)) {
          this.giveUp(failure);
          return;
        }

        await this.retryLater(failure, attempt++);
      }
    }
  }

  private async retryLater(failure: HomeAssistantError, attempt: number): Promise<void> {
    if (!this.running) {
      return;
    }

    const delay = this.backoff(attempt);
    const line = `failed to connect to Home Assistant at '${this.options.url}' (${failure.message}); retrying in ${delay} ms`;
    attempt === 0 ? this.logger.warn(line) : this.logger.debug(line);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private backoff(attempt: number): number {
    const { reconnectMinDelayMs, reconnectMaxDelayMs } = this.options;
    const ceiling = Math.min(reconnectMaxDelayMs, reconnectMinDelayMs * 2 ** Math.min(attempt, 30));

    // Half fixed, half random: clients restarted together do not all knock at once.
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private giveUp(failure: HomeAssistantError): void {
    this.running = false;
    this.fatal = failure;
    this.logger.error(`failed to authenticate with Home Assistant at '${this.options.url}' (${failure.message})`);
    this.notify("auth_failed", failure);
  }

  // Opens a socket and completes the handshake, or rejects with why it could not.
  private open(): Promise<Link> {
    const socket = new WebSocket(this.options.url, { handshakeTimeout: this.options.handshakeTimeoutMs });
    const handshake: Handshake = {};
    this.opening = socket;
    socket.on("error", (error) => {
      handshake.socketError ??= error.message;
      this.logger.debug(`Home Assistant socket error (${error.message})`);
    });

    return new Promise<Link>((resolve, reject) => {
      const fail = (error: HomeAssistantError) => {
        cleanUp();
        socket.terminate();
        reject(error);
      };
      const onClose = (code: number) => fail(closedDuringHandshake(handshake, code));
      const timer = setTimeout(
        () => fail(new HomeAssistantError("timeout", "no answer to the handshake")),
        this.options.handshakeTimeoutMs,
      );
      const cleanUp = () => {
        clearTimeout(timer);
        socket.off("close", onClose);
        this.opening = undefined;
      };
      socket.once("close", onClose);
      createClient({
        token: this.options.token,
        ws: () => socket as never,
        messageParser: (message: { data: unknown }) => observeHandshake(parseFrame(message.data), handshake),
      }).then(
        (api) => {
          cleanUp();
          resolve({ api, socket });
        },
        (error: unknown) => fail(handshakeError(handshake, error)),
      );
    });
  }

  private adopt(link: Link): void {
    if (!this.running || link.socket.readyState !== WebSocket.OPEN) {
      link.socket.terminate();
      return;
    }

    this.link = link;
    link.api.on("result", (frame: Frame) => this.settle(link, frame));
    link.api.on("pong", (frame: Frame) => this.settle(link, frame));
    link.api.on("state_changed", (event: StateChangedEvent) => this.notify("state_changed", event));
    link.socket.on("close", (code: number) =>
      this.onClosed(link, link.dropReason ?? `socket closed with code ${code}`),
    );
    this.startHeartbeat(link);
    this.logger.info(
      this.everConnected
        ? "Home Assistant connection regained"
        : `connected to Home Assistant at '${this.options.url}'`,
    );
    this.everConnected = true;
    this.notify("connected");
  }

  private onClosed(link: Link, reason: string): void {
    if (this.link !== link) {
      return;
    }

    this.link = undefined;
    this.stopHeartbeat();
    this.rejectAll(new HomeAssistantError("connection_lost", `connection to Home Assistant lost (${reason})`));
    this.logger.info(`lost connection to Home Assistant (${reason})`);
    this.notify("disconnected", reason);
    if (this.running) {
      void this.supervise();
    }
  }

  private startHeartbeat(link: Link): void {
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.options;
    if (heartbeatIntervalMs <= 0) {
      return;
    }

    let waiting = false;
    this.heartbeat = setInterval(() => {
      if (waiting) {
        return;
      }

      waiting = true;
      this.command("ping", {}, heartbeatTimeoutMs).then(
        () => {
          waiting = false;
        },
        (error: HomeAssistantError) => this.onMissedPong(link, error),
      );
    }, heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  private onMissedPong(link: Link, error: HomeAssistantError): void {
    if (error.code !== "timeout" || this.link !== link) {
      return;
    }

    link.dropReason = `no pong within ${this.options.heartbeatTimeoutMs} ms`;
    link.socket.terminate();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private settle(link: Link, frame: Frame): void {
    const id = frame.id;
    const entry = typeof id === "number" ? this.pending.get(id) : undefined;
    if (entry === undefined || entry.link !== link || typeof id !== "number") {
      return;
    }

    this.forget(id, entry);
    if (frame.type === "pong" || frame.success === true) {
      entry.resolve(frame.type === "pong" ? null : frame.result);
      return;
    }

    const error = (frame.error ?? {}) as { code?: unknown; message?: unknown };
    entry.reject(new HomeAssistantError(String(error.code ?? "unknown_error"), String(error.message ?? "")));
  }

  private settleWithError(id: number, link: Link, error: unknown): void {
    const entry = this.pending.get(id);
    if (entry === undefined || entry.link !== link) {
      return;
    }

    this.forget(id, entry);
    entry.reject(asHomeAssistantError(error, "not_connected"));
  }

  private expire(id: number, type: string, timeoutMs: number): void {
    const entry = this.pending.get(id);
    if (entry === undefined) {
      return;
    }

    this.forget(id, entry);
    entry.reject(new HomeAssistantError("timeout", `no answer to '${type}' within ${timeoutMs} ms`));
  }

  private forget(id: number, entry: Pending): void {
    clearTimeout(entry.timer);
    this.pending.delete(id);
    // homeassistant-ws keeps its own callback per id until a result arrives; drop it so nothing leaks.
    delete entry.link.api.rawClient.resultMap[id];
  }

  private rejectAll(error: HomeAssistantError): void {
    for (const [id, entry] of [...this.pending]) {
      this.forget(id, entry);
      entry.reject(error);
    }
  }

  private notConnectedError(): HomeAssistantError {
    const cause = this.fatal === undefined ? "" : ` (${this.fatal.message})`;

    return new HomeAssistantError("not_connected", `not connected to Home Assistant${cause}`);
  }

  private timeoutError(timeoutMs: number): HomeAssistantError {
    return new HomeAssistantError(
      "timeout",
      `timed out connecting to Home Assistant at '${this.options.url}' after ${timeoutMs} ms`,
    );
  }

  private notify<E extends keyof HomeAssistantClientEvents>(event: E, ...args: HomeAssistantClientEvents[E]): void {
    try {
      (this.emit as (name: E, ...rest: HomeAssistantClientEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error(`failed to run Home Assistant '${event}' listener (${(error as Error).message})`);
    }
  }
}
