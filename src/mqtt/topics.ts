import type { EmotionLabel, EmotionScores } from "../emotion/labels.js";

/** One classified utterance, as published on `<base>/<room>/emotion`. Never carries the text. */
export interface EmotionEvent {
  room: string;
  top: EmotionLabel;
  confidence: number;
  scores: EmotionScores;
  /** ISO 8601 time the utterance was heard. */
  at: string;
  /** Which transcript source it came from: `own`, `hermes` or a custom source's name. */
  source: string;
  /** The transcript's `id` (Hermes: `sessionId`), when it had one, to match events to utterances. */
  id?: string;
}

/** A room's mood, retained on `<base>/<room>/mood` and published on every change. */
export interface MoodEvent {
  room: string;
  mood: EmotionLabel;
  previous: EmotionLabel;
  confidence: number;
  /** ISO 8601 time the room entered this mood. */
  since: string;
  scores: EmotionScores;
  /** Why the mood changed: `classified`, `decay`, `override`, `auto` (an override ended) or `reset`. */
  reason?: string;
}

/** The outcome of a scene request, retained on `<base>/<room>/scene`. */
export interface SceneOutcome {
  /** The scene's name, or `custom` when the request named none. */
  scene: string;
  status: "ok" | "error";
  error?: { code: string; message: string };
  at: string;
  /** Echo of the request's transaction, so a caller can match the reply. */
  transaction?: string;
}

/** The last scene applied with success, retained on `<base>/<room>/scene/active`; refusals and failures never. */
export interface ActiveScene {
  scene: string;
  at: string;
}

/** A line in the explanation stream `<base>/events`. */
export interface HubEvent {
  type: "mood_changed" | "scene_applied" | "scene_failed" | "override_started" | "override_ended";
  room: string;
  before: unknown;
  after: unknown;
  reason: string;
  at: string;
}

/** The topics of the hub's public MQTT interface, from one base topic. Every publish and subscribe goes through here. */
export class Topics {
  constructor(readonly base: string) {}

  status(): string {
    return `${this.base}/status`;
  }

  transcript(room: string): string {
    return `${this.base}/${room}/transcript`;
  }

  /** Subscription pattern for every room's transcript topic. */
  anyTranscript(): string {
    return `${this.base}/+/transcript`;
  }

  emotion(room: string): string {
    return `${this.base}/${room}/emotion`;
  }

  anyEmotion(): string {
    return `${this.base}/+/emotion`;
  }

  mood(room: string): string {
    return `${this.base}/${room}/mood`;
  }

  anyMood(): string {
    return `${this.base}/+/mood`;
  }

  sceneSet(room: string): string {
    return `${this.base}/${room}/scene/set`;
  }

  anySceneSet(): string {
    return `${this.base}/+/scene/set`;
  }

  scene(room: string): string {
    return `${this.base}/${room}/scene`;
  }

  anyScene(): string {
    return `${this.base}/+/scene`;
  }

  /** The room's active scene (`ActiveScene`, retained): only scenes whose outcome was `ok`. */
  activeScene(room: string): string {
    return `${this.base}/${room}/scene/active`;
  }

  events(): string {
    return `${this.base}/events`;
  }

  /** Per-room automation switch state (`ON`/`OFF`, retained); commands on `.../automation/set`. */
  automation(room: string): string {
    return `${this.base}/${room}/automation`;
  }

  /** Per-room mood override (`auto` or a mood, retained); commands on `.../override/set`. */
  override(room: string): string {
    return `${this.base}/${room}/override`;
  }

  /** Per-room hold time after a manual change, in whole seconds (retained); commands on `.../hold/set`. */
  hold(room: string): string {
    return `${this.base}/${room}/hold`;
  }

  /** Per-room "paused by a manual change" (`ON`/`OFF`, retained). */
  paused(room: string): string {
    return `${this.base}/${room}/paused`;
  }

  /** Per-room reset button: any payload returns the room to neutral and ends a pause. */
  reset(room: string): string {
    return `${this.base}/${room}/reset`;
  }

  /** The command topic of a state topic. */
  set(stateTopic: string): string {
    return `${stateTopic}/set`;
  }

  /** Global on/off switch (`ON`/`OFF`, retained); commands on `.../hub/enabled/set`. */
  hubEnabled(): string {
    return `${this.base}/hub/enabled`;
  }

  /** The hub's own state, retained JSON: see `HubState`. */
  hubState(): string {
    return `${this.base}/hub/state`;
  }

  /** What the hub announced through discovery, retained JSON: see `DiscoveryRecord`. */
  hubDiscovery(): string {
    return `${this.base}/hub/discovery`;
  }

  /** Request/response control plane: `<base>/request/<command>` answered on `<base>/response/<command>`. */
  request(command: string): string {
    return `${this.base}/request/${command}`;
  }

  response(command: string): string {
    return `${this.base}/response/${command}`;
  }

  /** The room segment of a per-room topic such as `<base>/<room>/transcript`, or undefined if it is not one. */
  roomOf(topic: string): string | undefined {
    if (!topic.startsWith(`${this.base}/`)) {
      return undefined;
    }
    const room = topic.slice(this.base.length + 1).split("/")[0];

    return room === undefined || room === "" ? undefined : room;
  }
}

/** The hub's own state, retained on `<base>/hub/state`. */
export interface HubState {
  homeassistant: "connected" | "disconnected";
  model: "loading" | "ready" | "error";
  transcripts: number;
  version: string;
}

/**
 * What the hub announced to Home Assistant, retained on `<base>/hub/discovery`, so the next start can remove
 * the devices of rooms that left the config (or of an old prefix or hub id).
 */
export interface DiscoveryRecord {
  prefix: string;
  hubId: string;
  rooms: string[];
}

/** The reply envelope of the request/response control plane (zigbee2mqtt's bridge shape). */
export interface Reply<T = unknown> {
  status: "ok" | "error";
  data: T | Record<string, never>;
  error?: string;
  transaction?: string;
}

/** Room ids that would collide with the hub's own topics. */
export const RESERVED_ROOM_IDS = ["hub", "request", "response", "events", "status"];

/** A room id as it may appear in a topic: letters, digits, `_` and `-`. */
export const ROOM_ID_PATTERN = /^[a-zA-Z0-9_-]+$/;
