import { describe, expect, it } from "vitest";
import { normalizeVoice } from "../../src/emotion/normalize.js";
import { Tokenizer } from "../../src/emotion/tokenizer.js";

describe("normalizeVoice", () => {
  it.each([
    ["Turn ON the Lights!", "turn on the lights"],
    ["I don't know, you're RIGHT.", "i dont know youre right"],
    ["it\u2019s fine \u2018really\u2019 it\u02bcs", "its fine really its"],
    ["  spaced\t\tout \n words  ", "spaced out words"],
    ["e-mail me @ 10:30", "e mail me 10 30"],
    ["😀 great 🎉", "great"],
    ["😀🎉", ""],
    ["", ""],
    ["Café NAÏVE Straße", "café naïve straße"],
    ["Привет, мир", "привет мир"],
    ["ctrl\u0000chars\u001bhere", "ctrl chars here"],
    ["[NAME] said hi", "name said hi"],
  ])("normalises %j to %j", (text, expected) => {
    expect(normalizeVoice(text, 2000)).toBe(expected);
  });

  it("keeps the first maxChars code points, counting an emoji as one", () => {
    expect(normalizeVoice("😀ab cd", 3)).toBe("ab");
  });

  it("is idempotent", () => {
    const once = normalizeVoice("Well... I CAN'T believe it?! 😮", 2000);

    expect(normalizeVoice(once, 2000)).toBe(once);
  });
});

describe("Tokenizer", () => {
  const tokenizer = new Tokenizer(["<pad>", "<unk>", "turn", "on", "the", "lights", "dont"], {
    padId: 0,
    unkId: 1,
    maxTokens: 4,
    maxChars: 2000,
  });

  it("maps known words to their line and unknown words to unkId", () => {
    expect(tokenizer.encode("Turn on the porch lights")).toEqual([2, 3, 4, 1]);
  });

  it("stops at maxTokens", () => {
    expect(tokenizer.encode("the the the the the the")).toEqual([4, 4, 4, 4]);
  });

  it("reads a text without letters or digits as one unknown word", () => {
    expect(tokenizer.encode("?! 🙂")).toEqual([1]);
    expect(tokenizer.encode("")).toEqual([1]);
  });

  it("tokenises contractions without the apostrophe", () => {
    expect(tokenizer.encode("DON'T")).toEqual([6]);
  });
});
