import path from "node:path";
import type { Secrets } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { Discovery } from "./discovery/discovery.js";
import { startEmbeddedBroker, startEmbeddedNodeRed, startSimulatedHome } from "./embeddedParts.js";
import { ClassificationBatcher } from "./emotion/batcher.js";
import type { Classifier } from "./emotion/classifier.js";
import { createClassifier } from "./emotion/classifierFactory.js";
import { EventBus } from "./eventBus.js";
import { HomeAssistantClient } from "./homeassistant/client.js";
import { type Health, HttpServer } from "./http/server.js";
import type { Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { MoodTracker } from "./mood/moodTracker.js";
import { MqttClient } from "./mqtt/client.js";
import { type HubState, Topics } from "./mqtt/topics.js";
import { OverrideTracker } from "./override/overrideTracker.js";
import { resolveFromPackage, VERSION } from "./packageInfo.js";
import { type HubEvents, Pipeline } from "./pipeline.js";
import { ClassifyRequests } from "./rooms/classifyRequests.js";
import { EntityRooms } from "./rooms/entityRooms.js";
import { HomeWatcher } from "./rooms/homeWatcher.js";
import { RoomControls } from "./rooms/roomControls.js";
import { RoomCoordinator } from "./rooms/roomCoordinator.js";
import { SceneRequests } from "./rooms/sceneRequests.js";
import { SceneApplier } from "./scenes/sceneApplier.js";
import { TranscriptIntake } from "./transcripts/intake.js";
import { transcriptSources } from "./transcripts/sources.js";

export interface HubOptions {
  config: Config;
  secrets: Secrets;
  logger: Logger;
}

/** Where the running hub can be reached; useful to tests and to the start-up log. */
export interface HubEndpoints {
  mqtt: string;
  homeassistant: string;
  http: string;
  nodered?: string;
}

const TICK_MS = 1000;
const MAX_PENDING = 1000;
/** Classify requests are someone's flow asking, not people talking: a smaller queue is plenty. */
const MAX_CLASSIFY_PENDING = 100;

/**
 * The composition root: starts every part in order, wires them, and stops them in reverse. Nothing here knows
 * how a part works, only what it needs from the others.
 */
export class Hub {
  readonly metrics = new Metrics();
  readonly topics: Topics;
  private readonly logger: Logger;
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private readonly bus: EventBus<HubEvents>;
  private readonly mood: MoodTracker;
  private readonly override: OverrideTracker;
  private readonly entityRooms: EntityRooms;
  private state: HubState = { homeassistant: "disconnected", model: "loading", transcripts: 0, version: VERSION };
  private publishedTranscripts = -1;
  private mqtt?: MqttClient;
  private ha?: HomeAssistantClient;
  private controls?: RoomControls;
  private rooms?: RoomCoordinator;
  private timer?: NodeJS.Timeout;
  private starting?: Promise<HubEndpoints>;
  private stopping?: Promise<void>;
  private readonly stopRequested = new AbortController();
  endpoints?: HubEndpoints;

  constructor(private readonly options: HubOptions) {
    const { config, logger } = options;
    this.logger = logger.child({ module: "hub" });
    this.topics = new Topics(config.mqtt.baseTopic);
    this.bus = new EventBus(logger.child({ module: "events" }));
    // Looked up on each call, not bound once, so a test that moves the clock moves mood decay and pauses with it.
    const now = () => Date.now();
    this.mood = new MoodTracker(config.mood, now);
    this.entityRooms = new EntityRooms(config.rooms, config.discovery.hubId);
    this.override = new OverrideTracker({
      holdTimeMs: config.override.holdTime * 1000,
      graceMs: config.override.grace * 1000,
      now,
    });
  }

  /** Starts everything; on failure, or when `stop()` comes first, stops what had started and rethrows. */
  async start(): Promise<HubEndpoints> {
    this.starting = this.startParts();
    try {
      this.endpoints = await this.starting;
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.logger.info(`emotion-hub ${VERSION} started with ${Object.keys(this.options.config.rooms).length} room(s)`);

    return this.endpoints;
  }

  /** Stops everything in reverse order; safe to call twice, and during `start()`. */
  stop(): Promise<void> {
    this.stopRequested.abort();
    this.stopping ??= this.stopAfterStart();

    return this.stopping;
  }

  private async stopAfterStart(): Promise<void> {
    // During start-up, the part being started comes up first: stopped with the others, it is not left running.
    await this.starting?.catch(() => undefined);
    await this.stopParts();
  }

  /** Registers a part that has started; once a stop is asked for, start-up goes no further. */
  private onStop(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
    if (this.stopRequested.signal.aborted) {
      throw new Error("stopped during start-up");
    }
  }

  private async stopParts(): Promise<void> {
    clearInterval(this.timer);
    for (const { name, stop } of this.stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.warn(`failed to stop ${name} (${(error as Error).message})`);
      }
    }
    this.logger.info("emotion-hub stopped");
  }

  private async startParts(): Promise<HubEndpoints> {
    const { config } = this.options;
    const mqttUrl = await this.startBroker();
    const haUrl = await this.startHome();
    // The broker first, so that Home Assistant sees the model loading, and an error if it fails to load.
    const mqtt = await this.connectMqtt(mqttUrl);
    const classifier = await this.loadModel();
    const batcher = new ClassificationBatcher(classifier, { maxBatch: config.transcripts.maxBatch });
    const classify = (text: string) => this.timedClassify(batcher, text);
    this.onStop("classifier", async () => {
      await batcher.close();
      await classifier.close();
    });
    const ha = this.connectHomeAssistant(haUrl);
    await this.startRooms(mqtt, ha, classify);
    await this.startDiscovery(mqtt);
    const nodered = await this.startNodeRed(mqttUrl);
    const http = await this.startHttp();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();

    return { mqtt: mqttUrl, homeassistant: haUrl, http, nodered };
  }

  private async startBroker(): Promise<string> {
    const { config, logger } = this.options;
    if (config.mqtt.url !== undefined) {
      return config.mqtt.url;
    }
    const broker = await startEmbeddedBroker(config, logger);
    this.onStop("embedded broker", broker.stop);

    return broker.url;
  }

  private async startHome(): Promise<string> {
    const { config, secrets, logger } = this.options;
    if (config.homeassistant.url !== undefined) {
      return config.homeassistant.url;
    }
    const home = await startSimulatedHome(config, secrets, logger);
    this.onStop("simulated home", home.stop);

    return home.url;
  }

  private async loadModel(): Promise<Classifier> {
    const { classifier } = this.options.config;
    try {
      const loaded = await createClassifier({
        type: classifier.type,
        path: resolveFromPackage(classifier.path),
        threads: classifier.threads,
        logger: this.options.logger.child({ module: "classifier" }),
      });
      this.state.model = "ready";
      await this.publishState();

      return loaded;
    } catch (error) {
      this.state.model = "error";
      // Retained, so that whoever looks after the hub finds why it stopped; the model's error is the one to throw.
      await this.publishState().catch((publishError: Error) => {
        this.logger.debug(`failed to publish the hub state (${publishError.message})`);
      });
      throw error;
    }
  }

  private async timedClassify(batcher: ClassificationBatcher, text: string) {
    const end = this.metrics.classificationSeconds.startTimer();
    try {
      return await batcher.classify(text);
    } finally {
      end();
    }
  }

  private async connectMqtt(url: string): Promise<MqttClient> {
    const { config, secrets } = this.options;
    const mqtt = new MqttClient({
      url,
      clientId: config.mqtt.clientId,
      username: config.mqtt.username,
      password: secrets.mqttPassword,
      will: { topic: this.topics.status(), payload: "offline", retain: true },
      logger: this.options.logger.child({ module: "mqtt" }),
    });
    this.mqtt = mqtt;
    this.onStop("MQTT client", async () => {
      try {
        // With the broker away there is nobody to tell; the publish would only wait for a reconnect.
        if (mqtt.connected) {
          await mqtt.publish(this.topics.status(), "offline", { retain: true, qos: 1 });
        }
      } finally {
        await mqtt.close();
      }
    });
    mqtt.onConnect(() => this.onMqttConnect(mqtt));
    mqtt.onDisconnect(() => this.metrics.brokerConnected.set(0));
    await mqtt.waitConnected(15_000, this.stopRequested.signal);

    return mqtt;
  }

  private async onMqttConnect(mqtt: MqttClient): Promise<void> {
    this.metrics.brokerConnected.set(1);
    await mqtt.publish(this.topics.status(), "online", { retain: true, qos: 1 });
    await this.publishState();
    await this.controls?.publishAll();
  }

  private connectHomeAssistant(url: string): HomeAssistantClient {
    const { homeassistant } = this.options.config;
    const ha = new HomeAssistantClient({
      url,
      token: this.options.secrets.homeAssistantToken ?? "",
      callTimeoutMs: homeassistant.callTimeout * 1000,
      heartbeatIntervalMs: homeassistant.heartbeatInterval * 1000,
      heartbeatTimeoutMs: 10_000,
      reconnectMaxDelayMs: homeassistant.reconnectMaxDelay * 1000,
      logger: this.options.logger.child({ module: "homeassistant" }),
    });
    this.ha = ha;

    return ha;
  }

  private async startRooms(
    mqtt: MqttClient,
    ha: HomeAssistantClient,
    classify: (text: string) => ReturnType<ClassificationBatcher["classify"]>,
  ): Promise<void> {
    const { config, logger } = this.options;
    const controls = this.createControls(mqtt);
    const pipeline = new Pipeline({
      classify,
      mood: this.mood,
      mqtt,
      topics: this.topics,
      bus: this.bus,
      metrics: this.metrics,
      logger: logger.child({ module: "mood" }),
      maxPending: MAX_PENDING,
    });
    const rooms = new RoomCoordinator({
      rooms: config.rooms,
      mqtt,
      topics: this.topics,
      mood: this.mood,
      override: this.override,
      controls: () => this.controls,
      moodEntityId: (room) => this.entityRooms.moodEntityOf(room),
      publishMood: (change) => pipeline.publishMood(change),
      logbook: async (entry) => (await ha.callService("logbook", "log", entry)).context.id,
      logger: logger.child({ module: "rooms" }),
    });
    this.rooms = rooms;
    this.bus.on("mood", (change) => rooms.noteMood(change));
    await controls.start();
    await this.startScenes(mqtt, ha);
    await new ClassifyRequests({
      mqtt,
      topics: this.topics,
      classify,
      maxLength: config.transcripts.maxLength,
      maxPending: MAX_CLASSIFY_PENDING,
      metrics: this.metrics,
      logger: logger.child({ module: "classify" }),
    }).start();
    await this.startIntake(mqtt, pipeline);
  }

  private createControls(mqtt: MqttClient): RoomControls {
    const { config, logger } = this.options;
    const controls = new RoomControls({
      mqtt,
      topics: this.topics,
      rooms: Object.keys(config.rooms),
      defaultHoldSeconds: config.override.holdTime,
      file: path.join(path.resolve(config.nodered.userDir), "emotion-hub-settings.json"),
      logger: logger.child({ module: "controls" }),
      onOverride: (room, setting) => this.rooms?.applyOverride(room, setting),
      onReset: (room) => this.rooms?.resetRoom(room),
      onHoldTime: (room, seconds) => this.override.setHoldTime(room, seconds * 1000),
      paused: (room) => this.override.isPaused(room),
    });
    this.controls = controls;

    return controls;
  }

  private async startIntake(mqtt: MqttClient, pipeline: Pipeline): Promise<void> {
    const { config, logger } = this.options;
    if (config.transcripts.logTranscripts) {
      logger.warn("transcripts.logTranscripts is on: what people say is written to the debug log");
    }
    const intake = new TranscriptIntake({
      mqtt,
      sources: transcriptSources(config, this.topics),
      metrics: this.metrics,
      logger: logger.child({ module: "intake" }),
      logTranscripts: config.transcripts.logTranscripts,
      accept: (utterance) => {
        if (this.controls?.enabled === false) {
          return "disabled";
        }
        const refusal = pipeline.accept(utterance);
        if (refusal === undefined) {
          this.state.transcripts++;
        }

        return refusal;
      },
    });
    await intake.start();
    this.onStop("transcript intake", () => intake.stop());
  }

  private async startScenes(mqtt: MqttClient, ha: HomeAssistantClient): Promise<void> {
    const { config, logger } = this.options;
    const applier = new SceneApplier({ client: ha, logger: logger.child({ module: "scenes" }) });
    const requests = new SceneRequests({
      mqtt,
      topics: this.topics,
      rooms: config.rooms,
      applier,
      refusal: (room) => this.rooms?.sceneRefusal(room),
      beforeApply: (room) => this.override.noteOwnCall(room),
      afterApply: async (room, scene, outcome, contexts) => this.rooms?.explainScene(room, scene, outcome, contexts),
      metrics: this.metrics,
      logger: logger.child({ module: "scenes" }),
    });
    const watcher = new HomeWatcher({
      client: ha,
      entityRooms: this.entityRooms,
      override: this.override,
      logger: logger.child({ module: "override" }),
      onPaused: async (room, entityId, until) => this.rooms?.onPaused(room, entityId, until),
      onConnection: (connected) => this.onHomeAssistantConnection(connected),
    });
    watcher.start();
    ha.start();
    this.onStop("Home Assistant client", () => ha.stop());
    await requests.start();
    // Stopped before the client: requests stop arriving, then the scenes under way finish (none half-applied).
    this.onStop("scene requests", async () => {
      await requests.stop();
      await applier.drain();
    });
  }

  private async startDiscovery(mqtt: MqttClient): Promise<void> {
    const { config, logger } = this.options;
    if (!config.discovery.enabled) {
      return;
    }
    const discovery = new Discovery({
      mqtt,
      topics: this.topics,
      prefix: config.discovery.prefix,
      hubId: config.discovery.hubId,
      version: VERSION,
      rooms: config.rooms,
      logger: logger.child({ module: "discovery" }),
    });
    await discovery.start();
    this.onStop("discovery", () => discovery.stop());
  }

  private async startNodeRed(mqttUrl: string): Promise<string | undefined> {
    const { config, secrets, logger } = this.options;
    if (!config.nodered.enabled) {
      return undefined;
    }
    const nodered = await startEmbeddedNodeRed(config, secrets, mqttUrl, logger);
    this.onStop("Node-RED", nodered.stop);

    return nodered.url;
  }

  private async startHttp(): Promise<string> {
    const server = new HttpServer({
      ...this.options.config.http,
      metrics: this.metrics,
      health: () => this.health(),
      logger: this.options.logger.child({ module: "http" }),
    });
    const url = await server.start();
    this.onStop("HTTP server", () => server.stop());

    return url;
  }

  /** The MQTT connection, once started. */
  get mqttConnection(): MqttClient | undefined {
    return this.mqtt;
  }

  /** The Home Assistant connection, once started. */
  get homeAssistant(): HomeAssistantClient | undefined {
    return this.ha;
  }

  /** What `/healthz` says. */
  health(): Health {
    const mqtt = this.mqtt?.connected ?? false;
    const homeassistant = this.ha?.connected ?? false;

    return { ok: mqtt && homeassistant && this.state.model === "ready", mqtt, homeassistant, model: this.state.model };
  }

  private onHomeAssistantConnection(connected: boolean): void {
    this.metrics.homeAssistantConnected.set(connected ? 1 : 0);
    this.state.homeassistant = connected ? "connected" : "disconnected";
    void this.publishState();
  }

  private async publishState(): Promise<void> {
    this.publishedTranscripts = this.state.transcripts;
    await this.mqtt?.publish(this.topics.hubState(), this.state, { retain: true });
  }

  private async tick(): Promise<void> {
    try {
      await this.rooms?.tick();
      if (this.state.transcripts !== this.publishedTranscripts && this.mqtt?.connected) {
        await this.publishState();
      }
    } catch (error) {
      this.logger.warn(`failed to run the periodic tasks (${(error as Error).message})`);
    }
  }
}
