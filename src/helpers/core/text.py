"""Small text tools every stage shares: safe names for files and anchors, shortened excerpts, counted nouns."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def slug(text: str, fallback: str = "item") -> str:
    """A file-name and URL-safe name: 'Älvby kommun' -> 'alvby-kommun' (``fallback`` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or fallback


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with its noun in the right number: ``counted(1, "interview")`` -> "1 interview", 2 -> "2 interviews"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Trust between members" -> "trust between members", but a first word with more
    capitals than its first letter keeps them ("IT versus digitalisation", "eHälsa"), and the rest of the label
    is never changed ("Gemensamma IT-system" -> "gemensamma IT-system")."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and not first[1:].islower():
        return label
    return label[:1].lower() + label[1:]


def excerpt(text: str, length: int) -> str:
    """``text`` on one line, at most ``length`` characters: cut at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[:length - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + ELLIPSIS


def split_sentences(text: str) -> list[str]:
    """Split at ., ! ? or … followed by white space."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def trim_quote(text: str, max_words: int, min_words: int = 1, marks: frozenset[str] = frozenset()) -> str:
    """Shorten ``text`` to at most ``max_words`` words at sentence boundaries, keeping the run of sentences
    that holds most of the ``marks`` (matched words, marked passages; then the longest run, then the earliest).
    Cut parts are marked "…".

    When no run of whole sentences fits between ``min_words`` and ``max_words``, the text is cut after
    ``max_words`` words.
    """
    words = text.split()
    if len(words) <= max_words:
        return " ".join(words)
    sentences = [" ".join(s.split()) for s in split_sentences(text)]
    lengths = [len(s.split()) for s in sentences]
    best: tuple[tuple[int, int, int], int, int] | None = None
    for start in range(len(sentences)):
        total, end = 0, start
        while end < len(sentences) and total + lengths[end] <= max_words:
            total += lengths[end]
            end += 1
        if end == start or total < min_words:
            continue
        window = " ".join(sentences[start:end]).lower()
        key = (sum(m in window for m in marks), total, -start)
        if best is None or key > best[0]:
            best = (key, start, end)
    if best is None:
        return " ".join(words[:max_words]) + " " + ELLIPSIS
    _, start, end = best
    quote = " ".join(sentences[start:end])
    return (ELLIPSIS + " " if start > 0 else "") + quote + (" " + ELLIPSIS if end < len(sentences) else "")
