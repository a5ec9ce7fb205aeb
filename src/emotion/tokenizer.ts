import { readFile } from "node:fs/promises";
import { normalizeVoice } from "./normalize.js";

export interface TokenizerSettings {
  padId: number;
  unkId: number;
  maxTokens: number;
  maxChars: number;
}

/** Turns text into the model's word ids. Mirrors `tokenize` in models/train/textnorm.py. */
export class Tokenizer {
  readonly settings: TokenizerSettings;
  readonly #ids: Map<string, number>;

  constructor(words: readonly string[], settings: TokenizerSettings) {
    this.settings = settings;
    this.#ids = new Map(words.map((word, id) => [word, id]));
  }

  /** Reads a vocabulary file: one word per line, the line number is the id. */
  static async fromFile(path: string, settings: TokenizerSettings): Promise<Tokenizer> {
    const text = await readFile(path, "utf8");
    const words = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");

    return new Tokenizer(words, settings);
  }

  get size(): number {
    return this.#ids.size;
  }

  /**
   * Word ids of the voice-style text, at most `maxTokens` of them; unknown words get `unkId`. A text with no word
   * at all (empty, emoji, punctuation) reads as one unknown word, which the model learnt to call neutral.
   */
  encode(text: string): number[] {
    const { maxChars, maxTokens, unkId } = this.settings;
    const ids: number[] = [];
    for (const word of normalizeVoice(text, maxChars).split(" ")) {
      if (ids.length === maxTokens) {
        break;
      }
      if (word !== "") {
        ids.push(this.#ids.get(word) ?? unkId);
      }
    }

    return ids.length > 0 ? ids : [unkId];
  }
}
