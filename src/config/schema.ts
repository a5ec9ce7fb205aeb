import { z } from "zod";
import { EMOTION_LABELS } from "../emotion/labels.js";
import { RESERVED_ROOM_IDS } from "../mqtt/topics.js";

const id = z.string().regex(/^[a-zA-Z0-9_-]+$/, "use only letters, digits, '_' and '-'");
const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);
const seconds = (max: number) => z.number().min(0).max(max);

/**
 * Bounds of a room's hold time, in whole seconds; 0 turns pausing off. The config and Home Assistant's hold time
 * number share them, so whatever one accepts the other shows exactly.
 */
export const HOLD_TIME_SECONDS = { min: 0, max: 86_400, step: 1 } as const;

const mqttSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\//, "must start with mqtt://, mqtts://, ws:// or wss://")
      .optional()
      .describe("Broker URL; omitted: start an embedded broker on embedded.host:embedded.port"),
    baseTopic: z
      .string()
      .regex(/^[^+#]+$/, "must not contain '+' or '#'")
      .default("emotion-hub")
      .describe("Prefix of every topic the hub uses"),
    username: z.string().optional().describe("Broker user name"),
    passwordFile: z.string().optional().describe("File holding the broker password (or MQTT_PASSWORD)"),
    clientId: z.string().optional().describe("Client id; default emotion-hub-<pid>-<random>"),
    embedded: z
      .strictObject({
        host: host.default("127.0.0.1").describe("Address of the embedded broker"),
        port: port.default(1883).describe("Port of the embedded broker"),
      })
      .prefault({})
      .describe("The embedded broker, used only when url is omitted"),
  })
  .prefault({});

const homeAssistantSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^wss?:\/\//, "must start with ws:// or wss://")
      .optional()
      .describe("WebSocket API URL; omitted: start the simulated home"),
    tokenFile: z.string().optional().describe("File holding the long-lived access token (or HA_TOKEN)"),
    callTimeout: seconds(300).default(10).describe("Seconds before a service call is given up"),
    heartbeatInterval: seconds(300).default(30).describe("Seconds between pings; 0 turns the heartbeat off"),
    reconnectMaxDelay: seconds(600).default(30).describe("Upper bound of the reconnect backoff, seconds"),
    simulated: z
      .strictObject({
        host: host.default("127.0.0.1"),
        port: port.default(8123),
      })
      .prefault({})
      .describe("The simulated home, used only when url is omitted"),
  })
  .prefault({});

const roomSchema = z.strictObject({
  name: z.string().min(1).optional().describe("Friendly name; default from the room id"),
  area: id.describe("Home Assistant area id the room's scenes target"),
  siteIds: z.array(z.string().min(1)).default([]).describe("Voice satellite ids (Hermes siteId) heard in this room"),
});

const customSourceSchema = z.strictObject({
  name: id.describe("Name reported as the utterance's source"),
  topic: z.string().min(1).describe("Topic to subscribe to; may contain + and #"),
  textPath: z.string().min(1).default("text").describe("Dotted path of the transcript text in the JSON payload"),
  roomPath: z.string().min(1).optional().describe("Dotted path of the room id in the payload"),
  sitePath: z.string().min(1).optional().describe("Dotted path of a site id mapped through rooms.*.siteIds"),
  room: id.optional().describe("Fixed room for every transcript on this topic"),
});

const transcriptsSchema = z
  .strictObject({
    hermes: z.boolean().default(true).describe("Listen on hermes/asr/textCaptured"),
    custom: z.array(customSourceSchema).default([]).describe("Further transcript topics"),
    maxLength: z.number().int().min(1).max(100_000).default(2000).describe("Longest transcript accepted, characters"),
    maxBatch: z.number().int().min(1).max(1024).default(32).describe("Most transcripts classified together"),
    logTranscripts: z.boolean().default(false).describe("Log transcript text at debug level (warns at start-up)"),
  })
  .prefault({});

const classifierSchema = z
  .strictObject({
    type: z.enum(["onnx"]).default("onnx").describe("Model backend"),
    path: z.string().min(1).default("models/emotion-cnn").describe("Folder of the model files"),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe("Threads one model run may use; more lifts full-load throughput where cores are spare"),
  })
  .prefault({});

const moodSchema = z
  .strictObject({
    halfLife: seconds(3600).default(45).describe("Seconds for an utterance's weight to halve"),
    threshold: z.number().min(0).max(1).default(0.4).describe("Smoothed score a mood needs to be entered"),
    hysteresis: z.number().min(0).max(1).default(0.1).describe("Lead a challenger needs over the current mood"),
    minDwell: seconds(86_400).default(60).describe("Seconds a mood is held before another may replace it"),
    decayAfter: seconds(86_400).default(600).describe("Seconds of silence after which the room returns to neutral"),
    minEvidence: z.number().min(0).max(100).default(1.5).describe("Weighted utterances needed before a mood change"),
  })
  .prefault({});

const adminUserSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().regex(/^\$2[aby]\$/, "must be a bcrypt hash (node-red admin hash-pw)"),
  permissions: z.string().default("*"),
});

const noderedSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run the embedded Node-RED"),
    host: host.default("127.0.0.1").describe("Editor address; beyond localhost needs adminAuth"),
    port: port.default(1880).describe("Editor port"),
    userDir: z.string().default("data").describe("Data folder holding flows, seeded from flows/ on first start"),
    credentialSecret: z.string().min(8).optional().describe("Encrypts flow credentials (or NODERED_CREDENTIAL_SECRET)"),
    adminAuth: z
      .strictObject({ users: z.array(adminUserSchema).min(1) })
      .optional()
      .describe("Editor log-in, required when host is not a loopback address"),
  })
  .prefault({});

const httpSchema = z
  .strictObject({
    host: host.default("127.0.0.1"),
    port: port.default(8099),
  })
  .prefault({});

const discoverySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Publish Home Assistant MQTT discovery"),
    prefix: z.string().default("homeassistant").describe("Home Assistant's discovery prefix"),
    hubId: id.default("emotion_hub").describe("Stable id for this hub's devices and unique ids"),
  })
  .prefault({});

const overrideSchema = z
  .strictObject({
    holdTime: z
      .number()
      .int()
      .min(HOLD_TIME_SECONDS.min)
      .max(HOLD_TIME_SECONDS.max)
      .default(1800)
      .describe("Whole seconds automatic scenes pause after a manual change; 0 never pauses"),
    grace: seconds(600).default(10).describe("Seconds after the hub's own call in which changes count as its own"),
  })
  .prefault({});

const baseSchema = z.strictObject({
  mqtt: mqttSchema,
  homeassistant: homeAssistantSchema,
  rooms: z
    .record(id, roomSchema)
    .default({ living_room: { area: "living_room", siteIds: ["default"] } })
    .describe("Rooms by id"),
  transcripts: transcriptsSchema,
  classifier: classifierSchema,
  mood: moodSchema,
  nodered: noderedSchema,
  http: httpSchema,
  discovery: discoverySchema,
  override: overrideSchema,
  logLevel: z.enum(["error", "warn", "info", "debug"]).default("info"),
});

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The whole configuration, with the checks that span sections. */
export const configSchema = baseSchema.superRefine((config, ctx) => {
  const siteOwner = new Map<string, string>();
  for (const [roomId, room] of Object.entries(config.rooms)) {
    if (RESERVED_ROOM_IDS.includes(roomId)) {
      ctx.addIssue({
        code: "custom",
        path: ["rooms", roomId],
        message: `'${roomId}' is reserved for the hub's topics`,
      });
    }
    for (const siteId of room.siteIds) {
      const owner = siteOwner.get(siteId);
      if (owner !== undefined) {
        const message = `site '${siteId}' is already mapped to room '${owner}'`;
        ctx.addIssue({ code: "custom", path: ["rooms", roomId, "siteIds"], message });
      }
      siteOwner.set(siteId, roomId);
    }
  }
  config.transcripts.custom.forEach((source, index) => {
    if (source.room !== undefined && config.rooms[source.room] === undefined) {
      const message = `room '${source.room}' is not in rooms`;
      ctx.addIssue({ code: "custom", path: ["transcripts", "custom", index, "room"], message });
    }
  });
  if (config.nodered.enabled && !LOOPBACK.test(config.nodered.host) && config.nodered.adminAuth === undefined) {
    const message = `required when the editor binds to '${config.nodered.host}' (beyond this machine); set a bcrypt-hashed user or bind to 127.0.0.1`;
    ctx.addIssue({ code: "custom", path: ["nodered", "adminAuth"], message });
  }
  if (config.nodered.enabled && config.nodered.port === config.http.port && config.nodered.port !== 0) {
    ctx.addIssue({ code: "custom", path: ["http", "port"], message: "must differ from nodered.port" });
  }
});

export type Config = z.infer<typeof configSchema>;
export type RoomConfig = Config["rooms"][string];
export type MoodConfig = Config["mood"];
export type CustomSourceConfig = Config["transcripts"]["custom"][number];

export const MOOD_LABELS = EMOTION_LABELS;
