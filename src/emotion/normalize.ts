/**
 * Voice-style text: what a speech recogniser emits. Mirrors `normalize` in models/train/textnorm.py exactly;
 * the parity test fails if the two drift apart.
 */

const APOSTROPHES = /['\u2018\u2019\u02bc]/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/**
 * Keeps the first `maxChars` code points, lowercases, deletes apostrophes (`don't` becomes `dont`), turns every
 * other character that is not a Unicode letter or digit into a space, and collapses the spaces.
 */
export function normalizeVoice(text: string, maxChars: number): string {
  return truncateCodePoints(text, maxChars)
    .toLowerCase()
    .replace(APOSTROPHES, "")
    .replace(NOT_LETTER_OR_DIGIT, " ")
    .trim();
}

/** Cuts by code points rather than UTF-16 units, as Python slices strings. */
function truncateCodePoints(text: string, maxChars: number): string {
  if (text.length <= maxChars) {
    return text;
  }

  let end = 0;
  let count = 0;
  for (const char of text) {
    if (count === maxChars) {
      break;
    }
    end += char.length;
    count += 1;
  }

  return text.slice(0, end);
}
