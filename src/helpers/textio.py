"""Reading text files whatever encoding the machine that wrote them used.

UTF-8 (with or without BOM) and UTF-16 are recognised by their bytes; anything else is
detected with charset-normalizer among the encodings Swedish Windows machines write.
Text comes back NFC-normalised with ``\n`` line endings so that offsets are stable.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError

_FALLBACK_ENCODINGS = ["cp1252", "latin_1", "utf_16", "mac_roman"]


def normalise_text(text: str) -> str:
    """NFC-normalise and turn every line ending into ``\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode ``data`` (read from ``path``) and return ``(text, encoding name)``."""
    if data.startswith(codecs.BOM_UTF8):
        return normalise_text(data[3:].decode("utf-8", errors="strict")), "utf-8-sig"
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
    best = from_bytes(data, cp_isolation=_FALLBACK_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, "is not readable text in any supported encoding",
                         fix="save it as UTF-8") from exc
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text):
        raise InputError(path, "looks like a binary file, not text (it contains control characters)",
                         fix="export the transcript as .txt, .docx, .vtt or .srt")
    return normalise_text(text), encoding


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file and return ``(normalised text, detected encoding)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})", fix="check that the file exists and is readable") from exc
    return decode_bytes(data, path)
