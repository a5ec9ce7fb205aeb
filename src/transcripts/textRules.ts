import type { RejectReason } from "./utterance.js";

/** Why a payload or its text was turned away, with a detail that never quotes the content. */
export interface TextProblem {
  ok: false;
  reason: RejectReason;
  detail: string;
}

/** A code point outside the Basic Multilingual Plane, written as two escapes such as `\ud83d\ude22` (Python's json). */
const ESCAPED_BYTES_PER_CHARACTER = 12;

/**
 * One Hermes `asrTokens` entry around its word: a confidence, a character range and a start and end time, floats
 * printed in full. A character can be a word of its own.
 */
const TOKEN_BYTES_PER_CHARACTER = 200;

/** Room for the rest of the JSON: keys, ids, the site, the session and the likelihood. */
const JSON_ALLOWANCE_BYTES = 16 * 1024;

/**
 * The largest payload that can still hold a valid text of `maxLength` characters: each character escaped, once
 * in the text and once in its ASR token, with a token of its own (about 450 KB for the default 2,000). Anything
 * bigger is refused unread, so a payload far larger than any transcript is never parsed.
 */
export function payloadLimit(maxLength: number): number {
  return maxLength * (2 * ESCAPED_BYTES_PER_CHARACTER + TOKEN_BYTES_PER_CHARACTER) + JSON_ALLOWANCE_BYTES;
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

/** The payload as a JSON object, or undefined when it is not valid JSON or is another kind of value. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
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
  // A string never has more code points than UTF-16 units, so only a long one needs counting.
  if (text.length > maxLength && codePointLength(text) > maxLength) {
    return { ok: false, reason: "too_long", detail: `text over ${maxLength} characters` };
  }

  return { ok: true, text };
}
