import { type EventEmitter, once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.js";

/** An editor log-in: `password` is a bcrypt hash (`npx node-red admin hash-pw`). */
export interface NodeRedUser {
  username: string;
  password: string;
  permissions?: string;
}

export interface NodeRedRuntimeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The data folder: flows, credentials and Node-RED's own files. */
  userDir: string;
  /** Encrypts flow credentials; falls back to NODERED_CREDENTIAL_SECRET. */
  credentialSecret?: string;
  /** Editor log-ins; required when `host` is not a loopback address. */
  adminAuth?: { users: NodeRedUser[] };
  /**
   * The hub connection the emotion-hub config node uses when its broker field is empty; the log-in only for the
   * hub's own broker. Never logged.
   */
  hub: { mqttUrl: string; baseTopic: string; username?: string; password?: string };
  /** Where `flows.json` is seeded from; defaults to the package's `flows/` folder. */
  flowsSeedDir?: string;
  /** Where the emotion-hub nodes are loaded from; defaults to this package (see `defaultNodesDir`). */
  nodesDir?: string;
  /**
   * Writes the text of flow nodes' log messages into the debug log. Only for a person who turned on an explicit
   * opt-in such as `transcripts.logTranscripts`: the text can carry what people said. Default off.
   */
  logFlowMessages?: boolean;
  logger: Logger;
}

/** The slice of the `node-red` module this adapter uses. */
interface NodeRedModule {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: http.RequestListener;
  httpNode: http.RequestListener;
  events: EventEmitter;
}

/** One entry of Node-RED's log stream (`@node-red/util` log). */
interface NodeRedLogEntry {
  level: number;
  msg: unknown;
  type?: string;
  id?: string;
  name?: string;
}

const require = createRequire(import.meta.url);
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FLOW_FILE = "flows.json";
const HTTP_NODE_ROOT = "/api";
const MAX_LOG_TEXT = 300;
/** Node-RED's log levels (`@node-red/util` log). */
const LEVEL = { error: 20, warn: 30, info: 40, trace: 60 } as const;
const WITHHELD = "text withheld: it can carry what people said";
const FLOWS_START_LIMIT_MS = 30_000;
const DEPLOY_FINISH_LIMIT_MS = 10_000;

/**
 * The embedded Node-RED: the editor, the admin API and the flows, in the hub's process. It is the only importer
 * of `node-red`. Node-RED keeps its state in module globals, so one runtime runs per process at a time; it can be
 * stopped and started again.
 */
export class NodeRedRuntime {
  private static active: NodeRedRuntime | undefined;
  private readonly logger: Logger;
  private server: http.Server | undefined;
  private red: NodeRedModule | undefined;
  private unwatchDeploys: () => void = () => undefined;
  /** Set while a deploy restarts the flows; see `watchDeploys`. */
  private restarting: Promise<unknown> | undefined;

  constructor(private readonly options: NodeRedRuntimeOptions) {
    this.logger = options.logger;
  }

  /** Seeds the flows if the data folder has none, then serves the editor. Resolves with the editor's address. */
  async start(): Promise<{ url: string }> {
    this.refuseUnsafeExposure();
    if (NodeRedRuntime.active !== undefined) {
      throw new Error("refused to start Node-RED (another Node-RED runtime is already running in this process)");
    }
    NodeRedRuntime.active = this;
    try {
      return await this.launch();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops the flows and the editor. Safe to call when not started. */
  async stop(): Promise<void> {
    const red = this.red;
    const server = this.server;
    this.red = undefined;
    this.server = undefined;
    this.unwatchDeploys();
    if (red !== undefined) {
      await this.deployFinished();
      await red
        .stop()
        .catch((error: Error) => this.logger.warn(`failed to stop the Node-RED flows (${error.message})`));
    }
    if (server?.listening) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (red !== undefined || server !== undefined) {
      this.logger.info("Node-RED stopped");
    }
    if (NodeRedRuntime.active === this) {
      NodeRedRuntime.active = undefined;
    }
  }

  private async launch(): Promise<{ url: string }> {
    this.seedFlows();
    const red = require("node-red") as NodeRedModule;
    const server = http.createServer((request, response) => this.route(red, request, response));
    this.server = server;
    red.init(server, this.settings());
    this.red = red;
    await listen(server, this.options.host, this.options.port);
    const settled = this.flowsSettled(red.events);
    await red.start();
    await settled;
    this.watchDeploys(red.events);
    const url = editorUrl(this.options.host, (server.address() as AddressInfo).port);
    this.logger.info(`Node-RED editor listening on ${url}`);

    return { url };
  }

  /**
   * Resolves once the flows have started or Node-RED has said why not. `RED.start()` resolves before the flows are
   * loaded, and a deploy in that gap would be saved with credentials unencrypted.
   */
  private flowsSettled(events: EventEmitter): Promise<void> {
    return new Promise<void>((resolve) => {
      const settle = (): void => {
        clearTimeout(timer);
        events.off("flows:started", settle);
        events.off("runtime-event", onState);
        resolve();
      };
      const onState = (event: { id?: string; payload?: { error?: string } }): void => {
        if (event.id === "runtime-state" && event.payload?.error !== undefined) {
          this.logger.warn(`failed to start the Node-RED flows (${event.payload.error})`);
          settle();
        }
      };
      const timer = setTimeout(() => {
        this.logger.warn(`Node-RED flows not started after ${FLOWS_START_LIMIT_MS / 1000} s (see the editor)`);
        settle();
      }, FLOWS_START_LIMIT_MS);
      events.on("flows:started", settle);
      events.on("runtime-event", onState);
    });
  }

  /**
   * Tracks deploys: Node-RED answers a deploy once the old flows have stopped and starts the new ones after, so a
   * stop right after a deploy would race that start and leave flows running.
   */
  private watchDeploys(events: EventEmitter): void {
    const onStopped = (): void => {
      this.restarting = once(events, "flows:started");
    };
    const onStarted = (): void => {
      this.restarting = undefined;
    };
    events.on("flows:stopped", onStopped);
    events.on("flows:started", onStarted);
    this.unwatchDeploys = () => {
      events.off("flows:stopped", onStopped);
      events.off("flows:started", onStarted);
      this.unwatchDeploys = () => undefined;
    };
  }

  private async deployFinished(): Promise<void> {
    const restarting = this.restarting;
    this.restarting = undefined;
    if (restarting === undefined) {
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((resolve) => {
      timer = setTimeout(resolve, DEPLOY_FINISH_LIMIT_MS);
    });
    await Promise.race([restarting, limit]);
    clearTimeout(timer);
  }

  private refuseUnsafeExposure(): void {
    const users = this.options.adminAuth?.users ?? [];
    if (isLoopback(this.options.host) || users.length > 0) {
      return;
    }
    throw new Error(
      `refused to start Node-RED on '${this.options.host}' without editor credentials ` +
        "(set nodered.adminAuth.users with a bcrypt hash from 'npx node-red admin hash-pw', " +
        "or set nodered.host to 127.0.0.1)",
    );
  }

  /** Copies the default flows into the data folder unless a flows file is already there: never overwrite a person's work. */
  private seedFlows(): void {
    const target = path.join(this.options.userDir, FLOW_FILE);
    mkdirSync(this.options.userDir, { recursive: true });
    if (existsSync(target)) {
      return;
    }
    const seed = path.join(this.options.flowsSeedDir ?? path.join(packageRoot, "flows"), FLOW_FILE);
    if (!existsSync(seed)) {
      this.logger.warn(`failed to seed Node-RED flows from '${seed}' (file not found)`);
      return;
    }
    copyFileSync(seed, target);
    this.logger.info(`seeded Node-RED flows into '${target}'`);
  }

  private settings(): Record<string, unknown> {
    const users = this.options.adminAuth?.users ?? [];

    return {
      userDir: path.resolve(this.options.userDir),
      flowFile: FLOW_FILE,
      flowFilePretty: true,
      credentialSecret: this.credentialSecret(),
      adminAuth: users.length > 0 ? { type: "credentials", users: users.map(withPermissions) } : undefined,
      httpAdminRoot: "/",
      httpNodeRoot: HTTP_NODE_ROOT,
      nodesDir: [this.options.nodesDir ?? defaultNodesDir()],
      logging: { emotionHub: { level: "debug", metrics: false, audit: false, handler: () => this.logHandler() } },
      externalModules: {
        autoInstall: false,
        palette: { allowInstall: false, allowUpload: false },
        modules: { allowInstall: false },
      },
      functionExternalModules: false,
      telemetry: { enabled: false, updateNotification: false },
      diagnostics: { enabled: false, ui: false },
      editorTheme: {
        page: { title: "emotion-hub" },
        header: { title: "emotion-hub" },
        tours: false,
      },
      emotionHub: { ...this.options.hub },
    };
  }

  private credentialSecret(): string | undefined {
    const secret = this.options.credentialSecret ?? process.env.NODERED_CREDENTIAL_SECRET;
    if (secret === undefined || secret === "") {
      this.logger.warn(
        "no Node-RED credentialSecret set (set nodered.credentialSecret or NODERED_CREDENTIAL_SECRET); " +
          `Node-RED generates one into '${path.join(this.options.userDir, ".config.runtime.json")}'`,
      );
      return undefined;
    }

    return secret;
  }

  /**
   * Node-RED's log stream into pino. A flow node's message can carry what people said (a function node warning
   * with `msg.payload`, a JSON node quoting what it failed to parse), so from flow nodes only the node's type, id
   * and a generic reason are logged, at the node's level for warnings and errors and at debug otherwise; the text
   * goes to debug only with `logFlowMessages`. The editor's debug sidebar still shows it in full.
   */
  private logHandler(): (entry: NodeRedLogEntry) => void {
    return (entry) => {
      if (entry.type !== undefined && entry.id !== undefined) {
        this.logFromNode(entry, { node: entry.type, nodeId: entry.id, nodeName: entry.name });
        return;
      }
      this.logFromRuntime(entry);
    };
  }

  private logFromNode(entry: NodeRedLogEntry, fields: Record<string, string | undefined>): void {
    if (entry.level > LEVEL.trace) {
      return;
    }
    const what = `${fields.node} node '${fields.nodeName || fields.nodeId}'`;
    if (entry.level <= LEVEL.error) {
      this.logger.error(fields, `${what} reported an error (${WITHHELD})`);
    } else if (entry.level <= LEVEL.warn) {
      this.logger.warn(fields, `${what} warned (${WITHHELD})`);
    } else if (this.options.logFlowMessages !== true) {
      this.logger.debug(fields, `${what} logged a message (${WITHHELD})`);
    }
    if (this.options.logFlowMessages === true) {
      this.logger.debug(fields, logText(entry.msg));
    }
  }

  /** The runtime's own messages (start-up, deploys, errors loading flows) keep their level and text. */
  private logFromRuntime(entry: NodeRedLogEntry): void {
    const text = logText(entry.msg);
    if (entry.level <= LEVEL.error) {
      this.logger.error(text);
    } else if (entry.level <= LEVEL.warn) {
      this.logger.warn(text);
    } else if (entry.level <= LEVEL.info) {
      this.logger.info(text);
    } else if (entry.level <= LEVEL.trace) {
      this.logger.debug(text);
    }
  }

  private route(red: NodeRedModule, request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = request.url ?? "/";
    if (url === HTTP_NODE_ROOT || url.startsWith(`${HTTP_NODE_ROOT}/`) || url.startsWith(`${HTTP_NODE_ROOT}?`)) {
      // Node-RED's http-in routes are relative to httpNodeRoot, the way an Express mount would present them.
      request.url = url.slice(HTTP_NODE_ROOT.length) || "/";
      if (request.url.startsWith("?")) {
        request.url = `/${request.url}`;
      }
      red.httpNode(request, response);
      return;
    }
    red.httpAdmin(request, response);
  }
}

/**
 * Where Node-RED finds the emotion-hub nodes: the package itself once package.json maps them (so the embedded
 * editor also lists the package's examples, as an installed copy would), otherwise the nodes folder.
 */
export function defaultNodesDir(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")) as {
    "node-red"?: { nodes?: Record<string, string> };
  };
  const nodes = manifest["node-red"]?.nodes ?? {};

  return Object.keys(nodes).length > 0 ? packageRoot : path.join(packageRoot, "src", "nodered", "nodes");
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();

  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === "::ffff:127.0.0.1";
}

function withPermissions(user: NodeRedUser): Required<NodeRedUser> {
  return { ...user, permissions: user.permissions ?? "*" };
}

function logText(message: unknown): string {
  let text: string;
  if (message instanceof Error) {
    text = message.message;
  } else if (typeof message === "string") {
    text = message;
  } else {
    text = String((message as { message?: unknown } | null)?.message ?? message);
  }

  return text.length > MAX_LOG_TEXT ? `${text.slice(0, MAX_LOG_TEXT)}…` : text;
}

function editorUrl(host: string, port: number): string {
  const shown = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;

  return `http://${shown}:${port}/`;
}

async function listen(server: http.Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
