/** The seven Ekman labels the emotion model scores, in the order of the model's output. */
export const EMOTION_LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"] as const;

export type EmotionLabel = (typeof EMOTION_LABELS)[number];

/** One probability in [0, 1] per label. */
export type EmotionScores = Record<EmotionLabel, number>;

export function isEmotionLabel(value: unknown): value is EmotionLabel {
  return typeof value === "string" && (EMOTION_LABELS as readonly string[]).includes(value);
}
