"""Reading text files whatever encoding the machine that wrote them used.

UTF-8 (with or without BOM) and UTF-16 are recognised by their bytes. Anything else was written
by an older program in a one-byte encoding (Windows-1252, Latin-1, DOS 850, Mac Roman), detected
with charset-normalizer among those.
Text comes back NFC-normalised with ``\n`` line endings so that offsets are stable.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError

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
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


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
    """Read a file's bytes; a missing or unreadable file is an :class:`InputError`."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})",
                         fix="check that the file exists and is readable") from exc


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file and return ``(normalised text, detected encoding)``."""
    return decode_bytes(read_bytes(path), path)
