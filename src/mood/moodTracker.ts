import type { MoodConfig } from "../config/schema.js";
import { EMOTION_LABELS, type EmotionLabel, type EmotionScores } from "../emotion/labels.js";
import type { MoodEvent } from "../mqtt/topics.js";

interface RoomState {
  mood: EmotionLabel;
  /** When the room entered its mood; -Infinity before the first change, so start-up imposes no dwell. */
  since: number;
  scores: EmotionScores;
  /** Sum of the decayed weights of the utterances behind `scores`: how much evidence there is. */
  weight: number;
  updatedAt: number;
  lastHeardAt: number;
  /** A mood a person forces over the detected one, and since when; the detected state is frozen meanwhile. */
  forced?: { mood: EmotionLabel; at: number };
}

function neutralScores(): EmotionScores {
  return { anger: 0, disgust: 0, fear: 0, joy: 0, neutral: 1, sadness: 0, surprise: 0 };
}

/**
 * A room's mood: the exponentially smoothed scores of recent utterances, with a confidence threshold,
 * hysteresis against a close runner-up, a minimum dwell time and decay to neutral after quiet. Deterministic:
 * time comes only from the arguments and the injected clock.
 *
 * A person may force a mood over the detected one. The detected state stays underneath, frozen (it neither
 * decays nor moves), and comes back as it was when the override is released.
 */
export class MoodTracker {
  private readonly rooms = new Map<string, RoomState>();

  constructor(
    private readonly config: MoodConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Folds one utterance's scores into the room; returns the change if the mood moved. */
  observe(room: string, scores: EmotionScores, at = this.now()): MoodEvent | undefined {
    const state = this.state(room, at);
    if (state.forced !== undefined) {
      // What is said under a forced mood must not move the detected state that comes back when it ends.
      return undefined;
    }
    const keep = state.weight * this.decay(at - state.updatedAt);
    const weight = keep + 1;
    for (const label of EMOTION_LABELS) {
      state.scores[label] = (state.scores[label] * keep + scores[label]) / weight;
    }
    state.weight = weight;
    state.updatedAt = at;
    state.lastHeardAt = at;
    const challenger = this.challenger(state, at);

    return challenger === undefined ? undefined : this.change(room, state, challenger, at, "classified");
  }

  /** Returns rooms to neutral after `decayAfter` seconds of silence. Call it on a timer. */
  tick(at = this.now()): MoodEvent[] {
    const changes: MoodEvent[] = [];
    for (const [room, state] of this.rooms) {
      if (state.forced !== undefined) {
        continue;
      }
      const quiet = at - state.lastHeardAt >= this.config.decayAfter * 1000;
      if (quiet && state.mood !== "neutral") {
        state.scores = neutralScores();
        state.weight = 0;
        changes.push(this.change(room, state, "neutral", at, "decay"));
      }
    }

    return changes;
  }

  /** Forces a room's mood (a person's override) over the detected one; no dwell or threshold applies. */
  force(room: string, mood: EmotionLabel, reason: string, at = this.now()): MoodEvent | undefined {
    const state = this.state(room, at);
    const shown = this.shown(state);
    state.forced = { mood, at: state.forced?.at ?? at };
    if (shown === mood) {
      return undefined;
    }

    return { ...this.event(room, state, mood, reason), previous: shown, confidence: 1, since: isoTime(at) };
  }

  /**
   * Ends a forced mood: the detected state resumes where it was frozen, as if the override had not taken any
   * time. Returns the change back to the detected mood, or undefined when nothing was forced or the two agree.
   */
  release(room: string, reason: string, at = this.now()): MoodEvent | undefined {
    const state = this.rooms.get(room);
    const forced = state?.forced;
    if (state === undefined || forced === undefined) {
      return undefined;
    }
    const frozen = Math.max(0, at - forced.at);
    state.updatedAt += frozen;
    state.lastHeardAt += frozen;
    state.since += frozen;
    state.forced = undefined;
    if (forced.mood === state.mood) {
      return undefined;
    }

    return { ...this.event(room, state, state.mood, reason), previous: forced.mood, since: isoTime(at) };
  }

  /** Forgets everything heard in the room, ends a forced mood and returns the room to neutral. */
  reset(room: string, at = this.now()): MoodEvent | undefined {
    const state = this.state(room, at);
    const shown = this.shown(state);
    state.scores = neutralScores();
    state.weight = 0;
    state.forced = undefined;
    if (shown === "neutral") {
      state.mood = "neutral";
      return undefined;
    }

    return { ...this.change(room, state, "neutral", at, "reset"), previous: shown };
  }

  /** The room's current mood as it would be published: a forced one while it lasts. */
  current(room: string, at = this.now()): MoodEvent {
    const state = this.state(room, at);
    if (state.forced !== undefined) {
      return { ...this.event(room, state, state.forced.mood, "override"), confidence: 1 };
    }

    return this.event(room, state, state.mood, "current");
  }

  private shown(state: RoomState): EmotionLabel {
    return state.forced?.mood ?? state.mood;
  }

  private state(room: string, at: number): RoomState {
    let state = this.rooms.get(room);
    if (state === undefined) {
      state = { mood: "neutral", since: -Infinity, scores: neutralScores(), weight: 0, updatedAt: at, lastHeardAt: at };
      this.rooms.set(room, state);
    }

    return state;
  }

  private decay(elapsedMs: number): number {
    return 0.5 ** (Math.max(0, elapsedMs) / (this.config.halfLife * 1000));
  }

  /** The label that should replace the current mood now, if any. */
  private challenger(state: RoomState, at: number): EmotionLabel | undefined {
    let best: EmotionLabel = state.mood;
    for (const label of EMOTION_LABELS) {
      if (state.scores[label] > state.scores[best]) {
        best = label;
      }
    }
    const lead = state.scores[best] - state.scores[state.mood];
    const dwelt = at - state.since >= this.config.minDwell * 1000;
    const confident = state.scores[best] >= this.config.threshold;
    const enoughEvidence = state.weight >= this.config.minEvidence;
    const passes = best !== state.mood && lead >= this.config.hysteresis && confident && enoughEvidence && dwelt;

    return passes ? best : undefined;
  }

  private change(room: string, state: RoomState, mood: EmotionLabel, at: number, reason: string): MoodEvent {
    const previous = state.mood;
    state.mood = mood;
    state.since = at;

    return { ...this.event(room, state, mood, reason), previous };
  }

  private event(room: string, state: RoomState, mood: EmotionLabel, reason: string): MoodEvent {
    const since = isoTime(Number.isFinite(state.since) ? state.since : 0);
    const scores = { ...state.scores };
    for (const label of EMOTION_LABELS) {
      scores[label] = Math.round(scores[label] * 1000) / 1000;
    }

    return { room, mood, previous: mood, confidence: scores[mood], since, scores, reason };
  }
}

function isoTime(at: number): string {
  return new Date(at).toISOString();
}
