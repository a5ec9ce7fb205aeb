/** One validated transcript with its room, source and time. */
export interface Utterance {
  room: string;
  text: string;
  /** `own`, `hermes`, or a custom source's name. */
  source: string;
  /** Milliseconds since the epoch when the hub received it. */
  at: number;
  speaker?: string;
  lang?: string;
  /** The caller's id for this utterance (our `id`, Hermes' `sessionId`), echoed on the emotion event. */
  id?: string;
}

/** Why a transcript was turned away; also the `reason` label of the rejection counter. */
export type RejectReason =
  | "empty"
  | "invalid_json"
  | "wrong_type"
  | "not_utf8"
  | "too_long"
  | "unknown_room"
  | "retained"
  | "overloaded"
  | "disabled";

export type ParseResult = { ok: true; utterance: Utterance } | { ok: false; reason: RejectReason; detail: string };
