"""Reading text files whatever encoding the machine that wrote them used.

UTF-8 (with or without BOM) and UTF-16 are recognised by their bytes. Anything else was written
by an older program in a one-byte encoding (Windows-1252, Latin-1, DOS 850, Mac Roman), detected
with charset-normalizer among those.
Text comes back NFC-normalised with ``\n`` line endings so that offsets are stable.
:func:`matching_form` folds a text further for comparing names, keeping the way back to the original's offsets;
:func:`caseless` writes a text as the regex flag IGNORECASE compares it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError
from .limits import check_size

_LEGACY_ENCODINGS = ["cp1252", "latin_1", "cp850", "mac_roman"]  # Windows, ISO, DOS, old Mac
# Characters outside ASCII that ordinary Swedish or English prose uses; anything else is "unusual".
_UNUSUAL = re.compile("[^\t\n\r\x20-\x7eåäöÅÄÖéÉèüÜ€–—‘’‚“”„•…\u00a0°§½]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # control characters other than \t \n \r


def normalise_text(text: str) -> str:
    """NFC-normalise and turn every line ending into ``\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def strip_invisible(text: str) -> str:
    """``text`` without invisible format characters (soft hyphens, zero-width spaces and joiners, BOMs).

    Word and PDF conversions leave them inside names ("Mi\u00adkael"); compared or matched, a name is the
    same without them.
    """
    if text.isascii():  # no format character is ASCII
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


# Letters Unicode does not decompose into a letter and a mark, folded as writers without them do; hyphens
# that look like "-" (Word's non-breaking hyphen among them) become "-".
_LETTER_FOLDS = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS",
                 "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ł": "l", "Ł": "L",
                 "\u2010": "-", "\u2011": "-"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class _FoldTable(dict):
    """The ``str.translate`` table of :func:`matching_form`, each character's entry made on first use."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            folded = ""
        else:
            folded = _LETTER_FOLDS.get(char) or "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


@dataclass(frozen=True)
class MatchingForm:
    """A text as names are compared (see :func:`matching_form`), and the way back to the original's offsets.

    Only characters that fold to more or fewer than one character are recorded, so an ASCII or plain Swedish
    text costs next to nothing.
    """

    text: str
    length: int  # of the original
    starts: tuple[int, ...] = field(default=(), repr=False)  # where each such character starts in ``text``
    ends: tuple[int, ...] = field(default=(), repr=False)  # ... and ends
    origins: tuple[int, ...] = field(default=(), repr=False)  # its offset in the original
    shifts: tuple[int, ...] = field(default=(), repr=False)  # len(text) - len(original) up to its end

    def _original(self, pos: int, inside: int) -> int:
        """The original offset of the character at ``pos``; ``inside`` is added when ``pos`` splits it."""
        n = bisect_right(self.ends, pos)
        if n < len(self.starts) and self.starts[n] <= pos:
            return self.origins[n] + (inside if self.starts[n] < pos else 0)
        return pos - (self.shifts[n - 1] if n else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``: whole characters, with the invisible characters and
        combining marks inside it and right after it (a name's soft hyphens, the ring of a decomposed Å)."""
        if not self.starts:
            return start, end
        return self._original(start, 0), self.length if end >= len(self.text) else self._original(end, 1)


def matching_form(text: str) -> MatchingForm:
    """``text`` as names are compared: format characters (soft hyphens, zero-width spaces and joiners, BOMs)
    removed, compatibility forms and decomposed letters folded (NFKD), diacritics dropped (å → a, é → e),
    ø → o, æ → ae, ß → ss; case is kept.

    Both the pseudonymiser and the privacy gate match names in this form, so a name hidden by a tool's
    invisible characters or written on a keyboard without å, ä, ö is one name to both.
    """
    if text.isascii():
        return MatchingForm(text, len(text))
    folds = {char: _FOLD[ord(char)] for char in set(_NON_ASCII.findall(text))}
    starts, ends, origins, shifts = [], [], [], []
    uneven = [char for char, folded in folds.items() if len(folded) != 1]
    if uneven:  # only characters that fold to more or fewer than one character move offsets
        shift = 0
        for match in re.finditer("|".join(map(re.escape, uneven)), text):
            size = len(folds[match.group()])
            starts.append(match.start() + shift)
            ends.append(match.start() + shift + size)
            origins.append(match.start())
            shift += size - 1
            shifts.append(shift)
    return MatchingForm(_fold_text(text, folds), len(text), tuple(starts), tuple(ends), tuple(origins),
                        tuple(shifts))


def _fold_text(text: str, folds: dict[str, str]) -> str:
    """``text.translate(_FOLD)`` for a text whose non-ASCII characters fold as ``folds`` says: one ``replace``
    per character that changes, much faster than ``translate`` on a long text; ``translate`` itself when a
    folded character would be folded again."""
    changed = {char: folded for char, folded in folds.items() if folded != char}
    if any(c in changed for folded in changed.values() for c in folded):
        return text.translate(_FOLD)
    for char, folded in changed.items():
        text = text.replace(char, folded)
    return text


def _case_classes() -> tuple[dict[int, str], str] | None:
    """Each lowercase letter that IGNORECASE takes as equal to another ("ſ" and "s", "ς" and "σ") mapped to the
    first of its class, as ``str.translate`` takes it, and the characters of those classes that are no word
    characters (a combining mark): mapped, they would change where words end. None when this Python's ``re``
    does not say which letters it takes as equal."""
    try:
        from re._casefix import _EXTRA_CASES  # the table re itself compiles IGNORECASE with
    except ImportError:
        return None
    canon, unmapped = {}, set()
    for lower, others in _EXTRA_CASES.items():
        members = {lower, *others}
        words = sorted(code for code in members if chr(code).isalnum())
        canon.update({code: chr(words[0]) for code in words if code != words[0]})
        unmapped |= {chr(code) for code in members - set(words)}
    return canon, "".join(sorted(unmapped))


_CASE_CLASSES = _case_classes()
_CASE_CANON, _CASE_UNMAPPED = _CASE_CLASSES or ({}, "")
_CASE_VARIANTS = re.compile("[" + "".join(map(re.escape, map(chr, _CASE_CANON))) + "]") if _CASE_CANON else None


def caseless(text: str) -> str | None:
    """``text`` as the IGNORECASE flag compares it: lowercase, with letters it takes as equal written alike.

    A case-sensitive regex of names in this form matches exactly where the IGNORECASE one matches in
    ``text``, three times faster (the privacy gate's names); a text in this form holds a literal in this form
    wherever an IGNORECASE regex could match that literal. Same length as ``text``, so offsets hold; None
    when it cannot be (a letter whose lowercase is longer, such as "İ"; a combining mark IGNORECASE takes as
    a letter; a Python whose ``re`` does not say its equal letters).
    """
    if _CASE_CLASSES is None or any(char in text for char in _CASE_UNMAPPED):
        return None
    low = text.lower()
    if len(low) != len(text):
        return None
    return low.translate(_CASE_CANON) if _CASE_VARIANTS and _CASE_VARIANTS.search(low) else low


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode ``data`` (read from ``path``) and return ``(text, encoding name)``."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return normalise_text(data[3:].decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"starts like UTF-8 but is not valid UTF-8 at byte {exc.start + 3}",
                             fix="save it again as UTF-8") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return normalise_text(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"starts like UTF-16 but cannot be decoded ({exc.reason})",
                             fix="save it again as UTF-8") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise InputError(path, "looks like a binary file, not text (it contains NUL bytes)",
                             fix="export the transcript as .txt, .docx, .vtt or .srt")
        return normalise_text(text), "utf-8"
    if data.count(b"\x00") > len(data) // 4:
        # UTF-16 without BOM has a NUL in every other byte of ASCII text.
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if text.isprintable() or all(c.isprintable() or c in "\n\r\t" for c in text):
                return normalise_text(text), enc
        raise InputError(path, "looks like a binary file, not text (it contains NUL bytes)",
                         fix="export the transcript as .txt, .docx, .vtt or .srt")
    text, encoding = _decode_legacy(data)
    if _CONTROL.search(text):
        raise InputError(path, "looks like a binary file, not text (it contains control characters)",
                         fix="export the transcript as .txt, .docx, .vtt or .srt")
    return normalise_text(text), encoding


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode bytes written in a one-byte encoding.

    Windows-1252, what Swedish Windows machines write, is taken when it gives plain Swedish or English
    prose; otherwise charset-normalizer detects the encoding among the legacy ones. (Left to itself the
    detector takes short Swedish Windows-1252 texts for DOS 850 or Mac Roman: "måste" as "mÕste".)
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        if not _UNUSUAL.search(text):
            return text, "cp1252"
    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace"), encoding


def read_bytes(path: str | Path) -> bytes:
    """Read a file's bytes; a missing or unreadable file, or one over its kind's size limit
    (:mod:`helpers.core.limits`), is an :class:`InputError`."""
    check_size(Path(path))
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})",
                         fix="check that the file exists and is readable") from exc


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file and return ``(normalised text, detected encoding)``."""
    return decode_bytes(read_bytes(path), path)
