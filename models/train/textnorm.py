"""Voice-style normalisation and tokenisation. Mirrors src/emotion/normalize.ts and src/emotion/tokenizer.ts:
change one, change the other, and the parity test will tell if they drift."""

import unicodedata

APOSTROPHES = "'\u2018\u2019\u02bc"
PAD_ID = 0
UNK_ID = 1

_keep_cache: dict[str, bool] = {}


def _is_letter_or_digit(ch: str) -> bool:
    keep = _keep_cache.get(ch)
    if keep is None:
        keep = unicodedata.category(ch)[0] in "LN"
        _keep_cache[ch] = keep
    return keep


def normalize(text: str, max_chars: int) -> str:
    """Lowercase, drop apostrophes, turn every other non letter/digit into a space, collapse spaces."""
    text = text[:max_chars].lower()
    out = []
    for ch in text:
        if ch in APOSTROPHES:
            continue
        out.append(ch if _is_letter_or_digit(ch) else " ")
    return " ".join(w for w in "".join(out).split(" ") if w)


def tokenize(text: str, vocab: dict[str, int], max_chars: int, max_tokens: int) -> list[int]:
    """Word ids, at most max_tokens; a text with no word at all reads as one unknown word."""
    words = normalize(text, max_chars).split(" ")
    ids = [vocab.get(w, UNK_ID) for w in words if w][:max_tokens]
    return ids or [UNK_ID]
