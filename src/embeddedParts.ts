import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Secrets } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { SimulatedHome } from "./homeassistant/simulatedHome.js";
import type { Logger } from "./logger.js";
import { EmbeddedBroker } from "./mqtt/embeddedBroker.js";
import { NodeRedRuntime } from "./nodered/runtime.js";

/** A part the hub runs itself when the configuration names no outside one: where it listens and how it stops. */
export interface EmbeddedPart {
  url: string;
  stop: () => Promise<void>;
}

/** The embedded aedes broker, for a configuration without `mqtt.url`. */
export async function startEmbeddedBroker(config: Config, logger: Logger): Promise<EmbeddedPart> {
  const broker = await EmbeddedBroker.start({ ...config.mqtt.embedded, logger: logger.child({ module: "broker" }) });

  return { url: broker.url, stop: () => broker.close() };
}

/**
 * The simulated home, for a configuration without `homeassistant.url`. It makes up the token both sides use, so
 * `secrets.homeAssistantToken` is set afterwards.
 */
export async function startSimulatedHome(config: Config, secrets: Secrets, logger: Logger): Promise<EmbeddedPart> {
  secrets.homeAssistantToken ??= randomBytes(24).toString("hex");
  const rooms = Object.fromEntries(
    Object.entries(config.rooms).map(([id, room]) => [id, { area: room.area, name: room.name }]),
  );
  const home = new SimulatedHome({
    ...config.homeassistant.simulated,
    token: secrets.homeAssistantToken,
    rooms,
    logger: logger.child({ module: "simulated-home" }),
  });
  const url = await home.start();

  return { url, stop: () => home.stop() };
}

/** The embedded Node-RED runtime with the editor, its emotion-hub nodes pointed at the hub's broker. */
export async function startEmbeddedNodeRed(
  config: Config,
  secrets: Secrets,
  mqttUrl: string,
  logger: Logger,
): Promise<EmbeddedPart> {
  const runtime = new NodeRedRuntime({
    host: config.nodered.host,
    port: config.nodered.port,
    userDir: path.resolve(config.nodered.userDir),
    credentialSecret: secrets.credentialSecret,
    adminAuth: config.nodered.adminAuth,
    // What the emotion-hub config node falls back to when its fields are empty. The broker log-in is there so
    // that the default flows reach a broker that requires one; Node-RED keeps it in its settings, never shown.
    hub: { mqttUrl, baseTopic: config.mqtt.baseTopic, username: config.mqtt.username, password: secrets.mqttPassword },
    logFlowMessages: config.transcripts.logTranscripts,
    logger: logger.child({ module: "node-red" }),
  });
  const { url } = await runtime.start();

  return { url, stop: () => runtime.stop() };
}
