import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../logger.js";
import { type HomeEvent, HomeModel } from "./simulated/homeModel.js";
import { configOf, userOf } from "./simulated/info.js";
import {
  authMessageProblem,
  callServiceProblem,
  errorFrame,
  type Frame,
  failureFrame,
  isObject,
  malformedCommandId,
  result,
  SUBSCRIBE_ALLOWLIST,
} from "./simulated/protocol.js";
import type { Change } from "./simulated/services.js";
import { ServiceFailure } from "./simulated/services.js";
import { newContext, randomHex } from "./simulated/stamps.js";
import type { HaContext, HaState, ServiceTarget } from "./types.js";

export interface SimulatedHomeOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** The one access token accepted; default a random one (read it back from `token`). */
  token?: string;
  /** Rooms by id; each room's area gets a light, a speaker, a thermostat and a scene. */
  rooms: Record<string, { area: string; name?: string }>;
  /** Whether the token's user is an administrator (only they may subscribe to all events). Default true. */
  admin?: boolean;
  /** Version reported in `auth_required`, `auth_ok` and `get_config`. Default 2023.12.4, the recorded one. */
  haVersion?: string;
  logger: Logger;
}

/** A service call the simulated home carried out. */
export interface RecordedCall {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  target: ServiceTarget | undefined;
  context: HaContext;
}

/** A call held back by {@link SimulatedHome.holdNextCall}. */
export interface HeldCall {
  /** Resolves when the held call has arrived. */
  received: Promise<void>;
  /** Carries the call out and answers it, if its connection is still open. */
  release(): void;
}

interface Session {
  socket: WebSocket;
  authed: boolean;
  lastId: number;
  subscriptions: Map<number, string | null>;
}

interface Hold {
  arrived: () => void;
  run?: () => void;
  released: boolean;
}

type Handler = (session: Session, message: Frame & { id: number }) => void;

/**
 * An in-process server that speaks Home Assistant's WebSocket API well enough to stand in for it: the auth
 * handshake, id checks, `call_service` with `state_changed` events (sent before the result, with the call's
 * context), subscriptions, registries and Home Assistant's error codes. It is the default home of `npm start`
 * and the peer of the integration tests, which can also drop its connections, restart it, hold a call, stop
 * its pongs and change a device "by hand".
 */
export class SimulatedHome {
  /** The accepted access token. */
  readonly token: string;
  /** The id of the token's user, as it appears in `context.user_id`. */
  readonly userId = randomHex();
  /** When false, pings go unanswered, as from a peer that hangs. */
  answerPings = true;
  private readonly options: SimulatedHomeOptions;
  private readonly logger: Logger;
  private readonly model: HomeModel;
  private readonly sessions = new Set<Session>();
  private readonly recorded: RecordedCall[] = [];
  private readonly handlers: Record<string, Handler>;
  private server: Server | undefined;
  private port: number;
  private hold: Hold | undefined;
  private accepted = 0;

  constructor(options: SimulatedHomeOptions) {
    this.options = options;
    this.logger = options.logger;
    this.token = options.token ?? randomBytes(32).toString("hex");
    this.port = options.port ?? 0;
    this.model = new HomeModel(areasOf(options.rooms));
    this.handlers = this.commandHandlers();
  }

  /** The WebSocket URL, once started. */
  get url(): string {
    return `ws://${this.options.host ?? "127.0.0.1"}:${this.port}/api/websocket`;
  }

  /** The service calls carried out so far, in order. */
  get calls(): RecordedCall[] {
    return structuredClone(this.recorded);
  }

  /** Open connections, authenticated or not. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Connections accepted since construction, counting those that failed to authenticate. */
  get acceptedConnections(): number {
    return this.accepted;
  }

  /** Starts listening; resolves with the WebSocket URL. */
  async start(): Promise<string> {
    await this.listen();
    this.logger.info(`simulated Home Assistant listening on ${this.url}`);

    return this.url;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await this.closeServer();
  }

  /** Cuts every connection without a close handshake, as a crashing or rebooting Home Assistant does. */
  dropConnections(): void {
    for (const session of this.sessions) {
      session.socket.terminate();
    }
  }

  /** Drops every connection, stops listening for `downMs`, then listens again on the same port. */
  async restart(downMs = 50): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.listen();
  }

  /** Holds the next `call_service` unanswered until `release()`, for tests of timeouts and dropped calls. */
  holdNextCall(): HeldCall {
    let arrived = () => {};
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const hold: Hold = { arrived, released: false };
    this.hold = hold;

    return {
      received,
      release: () => {
        hold.released = true;
        hold.run?.();
      },
    };
  }

  /**
   * Changes an entity the way a person at a wall switch or in the app would: the `state_changed` event
   * carries a fresh context with `user_id` (null for a physical device). Returns that context.
   */
  manualChange(entityId: string, change: Change, userId: string | null = null): HaContext {
    const context = newContext(userId);
    const event = this.model.change(entityId, change, context);
    if (event !== undefined) {
      this.broadcast(event);
    }

    return context;
  }

  /** Sends a raw text frame to every authenticated connection, to test how clients cope with bad frames. */
  sendRaw(text: string): void {
    for (const session of this.sessions) {
      if (session.authed && session.socket.readyState === WebSocket.OPEN) {
        session.socket.send(text);
      }
    }
  }

  /** The current state of an entity. */
  states(entityId: string): HaState | undefined {
    return this.model.state(entityId);
  }

  private async listen(): Promise<void> {
    const server = createServer((_request, response) => response.writeHead(404).end());
    const sockets = new WebSocketServer({ server, path: "/api/websocket" });
    sockets.on("connection", (socket) => this.accept(socket));
    sockets.on("error", (error) => this.logger.warn(`simulated Home Assistant server error (${error.message})`));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) {
      return;
    }

    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const session: Session = { socket, authed: false, lastId: 0, subscriptions: new Map() };
    this.sessions.add(session);
    this.accepted++;
    socket.on("close", () => this.sessions.delete(session));
    socket.on("error", (error) => this.logger.debug(`simulated Home Assistant socket error (${error.message})`));
    socket.on("message", (data, isBinary) => this.receive(session, data, isBinary));
    this.send(session, { type: "auth_required", ha_version: this.version });
  }

  private get version(): string {
    return this.options.haVersion ?? "2023.12.4";
  }

  // Never lets a frame, however bad, escape as an exception.
  private receive(session: Session, data: RawData, isBinary: boolean): void {
    try {
      this.handleFrame(session, data, isBinary);
    } catch (error) {
      this.logger.warn(`failed to handle a frame in the simulated Home Assistant (${(error as Error).message})`);
    }
  }

  private handleFrame(session: Session, data: RawData, isBinary: boolean): void {
    const message = isBinary ? undefined : parseJson(data.toString());
    if (!session.authed) {
      this.authenticate(session, message);
      return;
    }

    // Home Assistant closes the connection on binary frames and on text that is not JSON.
    if (message === undefined) {
      session.socket.close(1000);
      return;
    }

    for (const item of Array.isArray(message) ? message : [message]) {
      this.handleCommand(session, item);
    }
  }

  private authenticate(session: Session, message: unknown): void {
    const problem = authMessageProblem(message);
    if (problem === undefined && isObject(message) && message.access_token === this.token) {
      session.authed = true;
      this.send(session, { type: "auth_ok", ha_version: this.version });
      return;
    }

    this.send(session, { type: "auth_invalid", message: problem ?? "Invalid access token or password" });
    session.socket.close(1000);
  }

  private handleCommand(session: Session, message: unknown): void {
    const malformed = malformedCommandId(message);
    if (malformed !== undefined || !isObject(message)) {
      this.send(
        session,
        errorFrame(malformed === undefined ? 0 : malformed.id, "invalid_format", "Message incorrectly formatted."),
      );
      return;
    }

    const command = message as Frame & { id: number; type: string };
    if (command.id <= session.lastId) {
      this.send(session, errorFrame(command.id, "id_reuse", "Identifier values have to increase."));
      return;
    }

    session.lastId = command.id;
    const handler = this.handlers[command.type];
    if (handler === undefined) {
      this.send(session, errorFrame(command.id, "unknown_command", "Unknown command."));
      return;
    }

    handler(session, command);
  }

  private commandHandlers(): Record<string, Handler> {
    const answer = (value: () => unknown): Handler => {
      return (session, message) => this.send(session, result(message.id, value()));
    };

    return {
      supported_features: answer(() => null),
      ping: (session, message) => this.pong(session, message.id),
      get_states: answer(() => this.model.allStates()),
      get_config: answer(() => configOf(this.version)),
      get_services: answer(() => this.model.describeServices()),
      "auth/current_user": answer(() => userOf(this.userId, this.options.admin !== false)),
      "config/area_registry/list": answer(() => this.model.areaList()),
      "config/device_registry/list": answer(() => this.model.deviceList()),
      "config/entity_registry/list": answer(() => this.model.entityList()),
      subscribe_events: (session, message) => this.subscribe(session, message),
      unsubscribe_events: (session, message) => this.unsubscribe(session, message),
      call_service: (session, message) => this.receiveCall(session, message),
    };
  }

  private pong(session: Session, id: number): void {
    if (this.answerPings) {
      this.send(session, { id, type: "pong" });
    }
  }

  private subscribe(session: Session, message: Frame & { id: number }): void {
    const eventType = message.event_type;
    if (eventType !== undefined && typeof eventType !== "string") {
      this.send(
        session,
        errorFrame(message.id, "invalid_format", "expected str for dictionary value @ data['event_type']"),
      );
      return;
    }

    const allowed =
      this.options.admin !== false || (eventType !== undefined && SUBSCRIBE_ALLOWLIST.includes(eventType));
    if (!allowed) {
      this.send(session, errorFrame(message.id, "unauthorized", "Unauthorized"));
      return;
    }

    session.subscriptions.set(message.id, eventType ?? null);
    this.send(session, result(message.id, null));
  }

  private unsubscribe(session: Session, message: Frame & { id: number }): void {
    const subscription = message.subscription;
    if (typeof subscription !== "number" || !session.subscriptions.delete(subscription)) {
      this.send(session, errorFrame(message.id, "not_found", "Subscription not found."));
      return;
    }

    this.send(session, result(message.id, null));
  }

  private receiveCall(session: Session, message: Frame & { id: number }): void {
    const problem = callServiceProblem(message);
    if (problem !== undefined) {
      this.send(session, errorFrame(message.id, "invalid_format", problem));
      return;
    }

    const hold = this.hold;
    if (hold === undefined) {
      this.runCall(session, message);
      return;
    }

    this.hold = undefined;
    hold.run = () => this.runCall(session, message);
    hold.arrived();
    if (hold.released) {
      hold.run();
    }
  }

  private runCall(session: Session, message: Frame & { id: number }): void {
    if (session.socket.readyState !== WebSocket.OPEN) {
      return;
    }

    if (message.return_response === true) {
      const failure = "An action which does not return responses can't be called with return_response=True";
      this.send(session, errorFrame(message.id, "service_validation_error", failure));
      return;
    }

    const context = newContext(this.userId);
    try {
      const { domain, service, service_data, target } = message;
      const events = this.model.callService({ domain, service, service_data, target }, context);
      this.record(message, context);
      // As in Home Assistant, the events a call causes go out before its result.
      for (const event of events) {
        this.broadcast(event);
      }
      this.send(session, result(message.id, { context }));
    } catch (error) {
      this.sendFailure(session, message.id, error);
    }
  }

  private sendFailure(session: Session, id: number, error: unknown): void {
    if (!(error instanceof ServiceFailure)) {
      throw error;
    }

    this.send(session, failureFrame(id, error));
  }

  private record(message: Frame, context: HaContext): void {
    this.recorded.push({
      domain: String(message.domain),
      service: String(message.service),
      service_data: structuredClone((message.service_data ?? {}) as Record<string, unknown>),
      target: message.target === undefined ? undefined : structuredClone(message.target as ServiceTarget),
      context,
    });
  }

  private broadcast(event: HomeEvent): void {
    for (const session of this.sessions) {
      for (const [id, eventType] of session.subscriptions) {
        if (eventType === null || eventType === event.event_type) {
          this.send(session, { type: "event", event, id });
        }
      }
    }
  }

  private send(session: Session, frame: Frame): void {
    if (session.socket.readyState === WebSocket.OPEN) {
      session.socket.send(JSON.stringify(frame));
    }
  }
}

function areasOf(rooms: SimulatedHomeOptions["rooms"]): { id: string; name: string }[] {
  const areas = new Map<string, string>();
  for (const [roomId, room] of Object.entries(rooms)) {
    if (!areas.has(room.area)) {
      areas.set(room.area, room.name ?? titleCase(room.area || roomId));
    }
  }

  return [...areas].map(([id, name]) => ({ id, name }));
}

function titleCase(id: string): string {
  return id
    .split(/[_-]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
