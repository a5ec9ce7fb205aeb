import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The hub's Prometheus metrics, in a registry of its own so that several hubs in one process (tests) stay apart.
 * Labels carry rooms, sources, reasons and outcomes, never anything anyone said.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly transcriptsReceived = new Counter({
    name: "emotion_hub_transcripts_received_total",
    help: "Transcripts accepted, by source",
    labelNames: ["source"],
    registers: [this.registry],
  });

  readonly transcriptsRejected = new Counter({
    name: "emotion_hub_transcripts_rejected_total",
    help: "Transcripts turned away, by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  readonly classifyRejected = new Counter({
    name: "emotion_hub_classify_requests_rejected_total",
    help: "Requests on request/classify turned away, by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });

  readonly classifications = new Counter({
    name: "emotion_hub_classifications_total",
    help: "Utterances classified, by top label",
    labelNames: ["top"],
    registers: [this.registry],
  });

  readonly moodChanges = new Counter({
    name: "emotion_hub_mood_changes_total",
    help: "Room mood changes, by room and reason",
    labelNames: ["room", "reason"],
    registers: [this.registry],
  });

  readonly sceneCalls = new Counter({
    name: "emotion_hub_scene_requests_total",
    help: "Scene requests, by outcome (ok, error, invalid, paused, disabled, automation_off, retained, superseded)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });

  readonly classificationSeconds = new Histogram({
    name: "emotion_hub_classification_seconds",
    help: "Time from asking for an utterance's classification to getting it: the wait for a batch, then the batch",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly endToEndSeconds = new Histogram({
    name: "emotion_hub_transcript_to_emotion_seconds",
    help: "Time from a transcript's arrival to its emotion event being published",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly homeAssistantConnected = new Gauge({
    name: "emotion_hub_homeassistant_connected",
    help: "1 while the Home Assistant WebSocket is connected",
    registers: [this.registry],
  });

  readonly brokerConnected = new Gauge({
    name: "emotion_hub_mqtt_connected",
    help: "1 while the MQTT connection is up",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "emotion_hub_" });
  }
}
