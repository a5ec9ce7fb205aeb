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
}

function neutralScores(): EmotionScores {
  return { anger: 0, disgust: 0, fear: 0, joy: 0, neutral: 1, sadness: 0, surprise: 0 };
}

/**
 * A room's mood: the exponentially smoothed scores of recent utterances, with a confidence threshold,
 * hysteresis against a close runner-up, a minimum dwell time and decay to neutral after quiet. Deterministic:
 * time comes only from the arguments and the injected clock.
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
      const quiet = at - state.lastHeardAt >= this.config.decayAfter * 1000;
      if (quiet && state.mood !== "neutral") {
        state.scores = neutralScores();
        state.weight = 0;
        changes.push(this.change(room, state, "neutral", at, "decay"));
      }
    }

    return changes;
  }

  /** Sets a room's mood directly (a person's override); no dwell or threshold applies. */
  force(room: string, mood: EmotionLabel, reason: string, at = this.now()): MoodEvent | undefined {
    const state = this.state(room, at);
    if (state.mood === mood) {
      return undefined;
    }

    return { ...this.change(room, state, mood, at, reason), confidence: 1 };
  }

  /** Forgets everything heard in the room and returns it to neutral. */
  reset(room: string, at = this.now()): MoodEvent | undefined {
    const state = this.state(room, at);
    state.scores = neutralScores();
    state.weight = 0;

    return state.mood === "neutral" ? undefined : this.change(room, state, "neutral", at, "reset");
  }

  /** The room's current mood as it would be published. */
  current(room: string, at = this.now()): MoodEvent {
    const state = this.state(room, at);

    return this.event(room, state, state.mood, "current");
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
    const since = Number.isFinite(state.since) ? new Date(state.since).toISOString() : new Date(0).toISOString();
    const scores = { ...state.scores };
    for (const label of EMOTION_LABELS) {
      scores[label] = Math.round(scores[label] * 1000) / 1000;
    }

    return { room, mood, previous: mood, confidence: scores[mood], since, scores, reason };
  }
}
