import type { RejectReason } from "./utterance.js";

/** Why a payload or its text was turned away, with a detail that never quotes the content. */
export interface TextProblem {
  ok: false;
  reason: RejectReason;
  detail: string;
}

/**
 * Room for the JSON around the text: keys, ids, and Hermes' `asrTokens`, which carry a start, an end and a
 * confidence for every word.
 */
const JSON_ALLOWANCE_BYTES = 16 * 1024;

/** UTF-8 needs at most 4 bytes a character, so a bigger payload cannot hold an allowed text. */
export function payloadLimit(maxLength: number): number {
  return 4 * maxLength + JSON_ALLOWANCE_BYTES;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Checks the payload's size before anything reads it, then decodes it as UTF-8. */
export function decodePayload(payload: Buffer, maxLength: number): { ok: true; text: string } | TextProblem {
  const limit = payloadLimit(maxLength);
  if (payload.length > limit) {
    return { ok: false, reason: "too_long", detail: `payload over ${limit} bytes` };
  }
  try {
    return { ok: true, text: utf8.decode(payload) };
  } catch {
    return { ok: false, reason: "not_utf8", detail: "payload is not UTF-8" };
  }
}

/** Characters as people count them: code points, so an emoji is one, not two UTF-16 units. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _codePoint of text) {
    length++;
  }

  return length;
}

/** The rules every text obeys, wherever it comes from: a string, not blank, at most `maxLength` characters. */
export function checkText(text: unknown, maxLength: number): { ok: true; text: string } | TextProblem {
  if (typeof text !== "string") {
    return { ok: false, reason: "wrong_type", detail: text === undefined ? "no text field" : "text is not a string" };
  }
  if (text.trim() === "") {
    return { ok: false, reason: "empty", detail: "empty text" };
  }
  if (codePointLength(text) > maxLength) {
    return { ok: false, reason: "too_long", detail: `text over ${maxLength} characters` };
  }

  return { ok: true, text };
}
