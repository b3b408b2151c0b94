"""The privacy gate: no output file may hold a real name or an identifier.

:func:`scan_outputs` reads every file under the output folders (``data/processed``, ``figures``,
``reports``), whatever its format (CSV and other text, Parquet string columns, SVG/HTML/XML text and
tooltip attributes after unescaping entities, JSON and notebooks, PNG text chunks, Office/REFI-QDA zip
members) and looks for every name in the key with the same matcher the pseudonymiser uses (whole words,
case-insensitive, inflected forms, names that are also common words only when capitalised, double names;
compared without invisible characters and with diacritics folded, so a name with a soft hyphen or a
zero-width space inside, "Asa Ohman" for "Åsa Öhman" and a decomposed "Å" are found), plus any e-mail
address, valid personal identity number or phone number. Unlike the pseudonymiser, the gate also counts
``_`` and digits as word boundaries, so "Kerstin_Holmberg.docx" and "Kerstin2" are found (but not a name
inside a hexadecimal hash). Findings never show a term in full, nor its invisible characters: "K****** H*******".
A file the gate cannot read (an unknown binary format, a damaged Parquet or zip file) is a finding too:
it cannot be shown to be free of names. Image data is not text: PNG and JPEG files are read for their
metadata only.

:func:`check_outputs` raises :class:`PrivacyError` when anything is found. On its own::

    python -m helpers.runner.privacy --data-dir data/raw/sample --output-dir .

exits 0 when clean, 1 naming each file and masked term otherwise, 2 on a bad study folder.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..core import limits
from ..core.errors import InputError, PrivacyError
from ..core.outputs import Outputs
from ..core.study import Study, load_study
from ..core.textio import decode_bytes
from ..interviews.pseudonymise import IDENTIFIER_RULES, KEY_FILE, NameMatcher, build_key, extend_key, fold

KEYS_FOLDER = "keys"  # where the key and review list live: never scanned (see pseudonymise.key_dir)
MARKUP_SUFFIXES = {".html", ".htm", ".xhtml", ".svg", ".xml", ".qde", ".qdc"}
JSON_SUFFIXES = {".json", ".ipynb", ".geojson"}
ZIP_SUFFIXES = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".qdpx", ".zip"}
ZIP_TEXT_SUFFIXES = MARKUP_SUFFIXES | {".rels", ".txt", ".csv", ".md", ".json"}
JPEG_SUFFIXES = {".jpg", ".jpeg"}
UNREADABLE = "unreadable"  # the kind of a finding for a file the gate could not read
UNREADABLE_PROBLEM = "file could not be scanned, so it cannot be shown to be free of names"
MAX_LISTED = 40  # findings listed in the error message; the rest are counted

_DATA_URI = re.compile(r"data:[\w/+.-]*;base64,[A-Za-z0-9+/=\s]*")
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_STYLE = re.compile(r"<style\b.*?</style\s*>", re.DOTALL | re.IGNORECASE)  # CSS: layout, never data
_TAG = re.compile(r"<[^>]*>")
_TEXT_ATTRIBUTE = re.compile(
    r"""\b(?:title|alt|aria-label|aria-description|content|value|label|placeholder|summary|data-[\w-]+)"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Finding:
    """A name or identifier found in an output file; ``term`` is masked, never the term in full."""

    path: Path
    term: str  # for an unreadable file: why it could not be read
    kind: str  # "name", "e-mail", "personnummer", "phone" or UNREADABLE
    where: str | None = None  # first occurrence: "line 12", "column text, row 4", "PNG text chunk 'Title'"
    count: int = 1

    def describe(self, root: Path | None = None) -> str:
        """One line for a report: file, where, kind, masked term, and how often."""
        path = self.path
        if root is not None and path.is_relative_to(root):
            path = path.relative_to(root)
        if self.kind == UNREADABLE:
            return f"{path}: {UNREADABLE_PROBLEM} ({self.term})"
        where = f", {self.where}" if self.where else ""
        times = f" ({self.count}×)" if self.count > 1 else ""
        return f"{path}{where}: {self.kind} {self.term}{times}"


def mask(term: str, kind: str = "name") -> str:
    """``term`` with letters and digits starred: names keep the first letter of each word, identifiers one character."""
    term = " ".join(term.split())
    if kind == "name":
        return re.sub(r"\w+", lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1), term)
    return term[:1] + re.sub(r"\w", "*", term[1:])


@dataclass(frozen=True)
class Chunk:
    """A piece of text from a file, and how to say where in the file an offset in it is."""

    text: str
    where: str | None = None  # e.g. "column text"; None for a whole file
    unit: str | None = "line"  # each line of text is a "line" or a "row"; None: no position inside

    def locate(self, offset: int) -> str | None:
        parts = [self.where] if self.where else []
        if self.unit:
            parts.append(f"{self.unit} {self.text.count(chr(10), 0, offset) + 1}")
        return ", ".join(parts) or None


# --- reading each kind of file as text ---------------------------------------------------------------


def _keep_newlines(match: re.Match, kept: str = "") -> str:
    """What replaces a removed piece of markup: its readable text, and its line breaks so lines still count."""
    return (f" {kept} " if kept else " ") + "\n" * match.group(0).count("\n")


def _tag_text(match: re.Match) -> str:
    tag = match.group(0)
    values = " ".join(a or b for a, b in _TEXT_ATTRIBUTE.findall(tag)) if "=" in tag else ""
    return _keep_newlines(match, values)


def markup_text(text: str) -> str:
    """The readable text of HTML/SVG/XML: text nodes, comments and tooltip-like attributes, entities decoded.

    Embedded images (data URIs) and style sheets are dropped; scripts are kept (they may hold table
    data) and their ``\\u00e5``-style escapes decoded.
    """
    text = _STYLE.sub(_keep_newlines, _DATA_URI.sub(_keep_newlines, text))
    text = _COMMENT.sub(lambda m: _keep_newlines(m, m.group(1)), text)
    text = _TAG.sub(_tag_text, text)
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(text))


class UnreadableFile(Exception):
    """An output file the gate cannot read as text; the message says why."""


def _decode(data: bytes, path: Path, member: str | None = None) -> str:
    try:
        return decode_bytes(data, path)[0]
    except InputError as exc:
        raise UnreadableFile(f"member {member}: {exc.problem}" if member else exc.problem) from exc


def _text_chunks(path: Path) -> list[Chunk]:
    return [Chunk(_decode(path.read_bytes(), path))]


def _markup_chunks(path: Path) -> list[Chunk]:
    return [Chunk(markup_text(_decode(path.read_bytes(), path)))]


def _pdf_chunks(path: Path) -> list[Chunk]:
    """One chunk per page of a PDF (its text as a reader copies it), and one for its metadata."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [Chunk(page.extract_text() or "", f"page {n}") for n, page in enumerate(reader.pages, start=1)]
        meta = Chunk(" ".join(str(v) for v in (reader.metadata or {}).values()), "metadata", None)
    except (PdfReadError, ValueError, OSError) as exc:
        raise UnreadableFile(f"not a readable PDF: {exc}") from exc
    return [*pages, meta]


def _is_binary_mime(name: str) -> bool:
    """A notebook output key holding base64 data (images other than SVG, PDF): no text to scan."""
    return (name.startswith("image/") and name != "image/svg+xml") or name == "application/pdf"


# Machine-written notebook fields (random cell ids, timings): digits there are not phone numbers.
_MACHINE_FIELDS = frozenset({"id", "execution_count", "start_time", "end_time", "duration", "version"})


def _walk_json(value: object, where: str) -> Iterator[Chunk]:
    """Every string in a JSON document (keys too); a list of strings is one text of lines (as notebooks store)."""
    if isinstance(value, str):
        text = markup_text(value) if "</" in value or "/>" in value else _DATA_URI.sub(" ", value)
        yield Chunk(text, where or None, "line" if "\n" in text else None)
    elif isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield from _walk_json("".join(v if v.endswith("\n") else v + "\n" for v in value), where)
        else:
            for i, item in enumerate(value):
                yield from _walk_json(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for name, item in value.items():
            yield Chunk(str(name), where or None, None)
            if not _is_binary_mime(name) and name not in _MACHINE_FIELDS:
                yield from _walk_json(item, f"{where}.{name}" if where else str(name))


def _json_chunks(path: Path) -> list[Chunk]:
    text = _decode(path.read_bytes(), path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return [Chunk(markup_text(text))]
    return list(_walk_json(document, ""))


def _parquet_chunks(path: Path) -> list[Chunk]:
    """One chunk per non-numeric column, one value per line, so a line number is a row number."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise UnreadableFile(f"not a readable Parquet file: {exc}") from exc
    chunks = []
    for name, column in zip(table.column_names, table.columns):
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind) \
                or pa.types.is_temporal(kind) or pa.types.is_decimal(kind):
            continue
        values = ("" if v is None else " ".join(str(v).split()) for v in column.to_pylist())
        chunks.append(Chunk("\n".join(values), f"column {name}", "row"))
    return chunks


def _png_text(kind: bytes, data: bytes) -> tuple[str, str]:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk."""
    keyword, _, rest = data.partition(b"\0")
    if kind == b"tEXt":
        text = rest.decode("latin-1")
    elif kind == b"zTXt":
        text = zlib.decompress(rest[1:]).decode("latin-1")
    else:  # iTXt: compression flag, method, language\0, translated keyword\0, text
        compressed, rest = rest[0], rest[2:]
        _, _, rest = rest.partition(b"\0")
        translated, _, rest = rest.partition(b"\0")
        body = zlib.decompress(rest) if compressed else rest
        text = translated.decode("utf-8", "replace") + " " + body.decode("utf-8", "replace")
    return keyword.decode("latin-1"), text


def _png_chunks(path: Path) -> list[Chunk]:
    """The text chunks of a PNG (title, description, software...): the only text a PNG carries."""
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise UnreadableFile("not a PNG image")
    chunks, offset = [], 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            try:
                keyword, text = _png_text(kind, body)
            except (zlib.error, IndexError) as exc:
                raise UnreadableFile(f"a damaged PNG text chunk at byte {offset}") from exc
            chunks.append(Chunk(f"{keyword} {text}", f"PNG text chunk '{keyword}'", None))
        offset += 12 + length
    return chunks


_UNPRINTABLE = re.compile(r"[^\S ]+|[\x00-\x1f\x7f-\x9f\ufffd]+")


def _jpeg_chunks(path: Path) -> list[Chunk]:
    """The text of a JPEG's comment and APPn segments (EXIF, XMP): the only text a JPEG carries.

    Segments are read up to the image data (SOS); binary fields become line breaks.
    """
    data = path.read_bytes()
    if not data.startswith(b"\xff\xd8"):
        raise UnreadableFile("not a JPEG image")
    chunks, offset = [], 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            raise UnreadableFile(f"a damaged JPEG segment at byte {offset}")
        marker = data[offset + 1]
        if marker == 0xFF or marker == 0x01 or 0xD0 <= marker <= 0xD7:  # fill byte, markers without a body
            offset += 1 if marker == 0xFF else 2
            continue
        if marker in (0xDA, 0xD9):  # start of scan (image data) or end of image
            break
        length = int.from_bytes(data[offset + 2:offset + 4], "big")
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            text = _UNPRINTABLE.sub("\n", data[offset + 4:offset + 2 + length].decode("utf-8", "replace"))
            name = "comment" if marker == 0xFE else f"APP{marker - 0xE0} segment"
            chunks.append(Chunk(text, f"JPEG {name}", None))
        offset += 2 + length
    return chunks


def _zip_chunks(path: Path) -> list[Chunk]:
    """The text members of an Office document, REFI-QDA project or zip archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [(m.filename, limits.read_member(archive, m, path, limits.OUTPUT_MEMBER_MB))
                       for m in archive.infolist() if Path(m.filename).suffix.lower() in ZIP_TEXT_SUFFIXES]
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise UnreadableFile(f"not a readable zip archive ({exc})") from exc
    except InputError as exc:  # a member over the cap, damaged, or holding more than its directory declares
        raise UnreadableFile(exc.problem) from exc
    chunks = []
    for member, data in members:
        text = _decode(data, path, member)
        text = markup_text(text) if Path(member).suffix.lower() in MARKUP_SUFFIXES | {".rels"} else text
        chunks.append(Chunk(text, f"member {member}"))
    return chunks


def file_chunks(path: Path) -> list[Chunk]:
    """The text of an output file, as chunks; :class:`UnreadableFile` when it cannot be read as text."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_chunks(path)
    if suffix == ".png":
        return _png_chunks(path)
    if suffix in JPEG_SUFFIXES:
        return _jpeg_chunks(path)
    if suffix in JSON_SUFFIXES:
        return _json_chunks(path)
    if suffix in MARKUP_SUFFIXES:
        return _markup_chunks(path)
    if suffix in ZIP_SUFFIXES:
        return _zip_chunks(path)
    if suffix == ".pdf":
        return _pdf_chunks(path)
    return _text_chunks(path)


# --- scanning ----------------------------------------------------------------------------------------

# In the gate, "_" and digits separate words: "Kerstin_Holmberg.docx", "Kerstin2" (same length, so offsets hold).
_JOINERS = "_0123456789"


def _separate_words(text: str) -> str:
    """``text`` with each of :data:`_JOINERS` turned into a space: one ``replace`` each, many times faster than
    ``str.translate`` on a long non-ASCII text."""
    for char in _JOINERS:
        text = text.replace(char, " ")
    return text

_HEX = re.compile(r"[0-9a-f]*\d[0-9a-f]*|[0-9A-F]*\d[0-9A-F]*")


def _in_hex_string(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies in a hexadecimal string such as a hash or GUID ("3ada9f"), not a name."""
    left, right = start, end
    while left and (text[left - 1].isalnum() or text[left - 1] == "_"):
        left -= 1
    while right < len(text) and (text[right].isalnum() or text[right] == "_"):
        right += 1
    return bool(_HEX.fullmatch(text, left, right))


class Scanner:
    """The key's names (with the pseudonymiser's rules) and the identifier patterns, compiled once."""

    def __init__(self, key: pd.DataFrame, keep: Iterable[str] = ()) -> None:
        self.names = NameMatcher(key, keep)

    def terms(self, text: str) -> Iterator[tuple[int, str, str]]:
        """(offset, kind, term) for every name or identifier in ``text``; names also when joined by ``_`` or digits."""
        for hit in self.names.hits(_separate_words(text)):
            if hit.replacement is not None and not _in_hex_string(text, hit.start, hit.end):
                yield hit.start, "name", hit.name
        for rule in IDENTIFIER_RULES:
            for offset, term in rule.hits(text):
                yield offset, rule.kind, term

    def scan_file(self, path: Path) -> list[Finding]:
        """One finding per distinct term in ``path``, at its first occurrence, with its count.

        A file that cannot be read is one finding of kind :data:`UNREADABLE`.
        """
        try:
            chunks = file_chunks(path)
        except (UnreadableFile, OSError) as exc:
            return [Finding(path, str(exc), UNREADABLE)]
        found: dict[tuple[str, str], Finding] = {}
        for chunk in chunks:
            for offset, kind, term in self.terms(chunk.text):
                ident = (kind, fold(term))
                if ident in found:
                    previous = found[ident]
                    found[ident] = Finding(path, previous.term, kind, previous.where, previous.count + 1)
                else:
                    found[ident] = Finding(path, mask(term, kind), kind, chunk.locate(offset))
        return list(found.values())


def output_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to scan: each file given, and every file under each folder given, except ``keys/``."""
    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_file():
            files.append(item)
        elif item.is_dir():
            keys = item / KEYS_FOLDER
            files += sorted(p for p in item.rglob("*") if p.is_file() and not p.is_relative_to(keys))
    return files


def scan_outputs(paths: Iterable[str | Path], key: pd.DataFrame, keep: Iterable[str] = ()) -> list[Finding]:
    """Every name or identifier in the files and folders ``paths`` (see the module docstring).

    ``keep``: terms never reported (organisation names), as given to the pseudonymiser.
    """
    scanner = Scanner(key, keep)
    return [finding for path in output_files(paths) for finding in scanner.scan_file(path)]


def gate_roots(output_dir: str | Path) -> list[Path]:
    """The output folders the gate scans: data/processed, figures and reports (never keys/)."""
    out = Outputs.at(output_dir, create=False)
    return [out.processed, out.figures, out.reports]


def privacy_message(findings: Sequence[Finding], root: Path | None = None) -> str:
    """The error text: how many findings in how many files, each listed (up to a limit), and what to do."""
    files = len({f.path for f in findings})
    unreadable = sum(f.kind == UNREADABLE for f in findings)
    terms = len(findings) - unreadable
    counts, advice = [], ["Do not share these outputs."]
    if terms:
        counts.append(f"{terms} name(s) or identifier(s)")
        advice.append("Each term is in the key, so some output carries text that was not pseudonymised (a codebook, "
                      "a workshop file, a notebook showing raw input): find where the listed file gets it, fix that, "
                      "and run the pipeline again.")
    if unreadable:
        counts.append(f"{unreadable} unreadable file(s)")
        advice.append("An unreadable file may hold names nobody can check: remove it from the output folders, or "
                      "write it in a format the gate reads (text, CSV, Parquet, HTML, SVG, PNG, JPEG, JSON, Office, "
                      "zip).")
    lines = [f"Privacy gate: {' and '.join(counts)} found in {files} output file(s):"]
    lines += [f"  {f.describe(root)}" for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"  ... and {len(findings) - MAX_LISTED} more")
    return "\n".join(lines + [" ".join(advice)])


def study_key(study: Study, output_dir: str | Path) -> pd.DataFrame:
    """The study's key: from participants.csv and pseudonyms.csv, extended by the key stage 01 wrote to ``keys/``
    in ``output_dir`` (which also holds the names used as speaker labels), when it is there."""
    key = build_key(study)
    written = Path(output_dir) / KEYS_FOLDER / KEY_FILE
    if written.exists():
        key = extend_key(key, pd.read_csv(written, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    return key


def check_outputs(output_dir: str | Path, key: pd.DataFrame | None = None, keep: Iterable[str] = (),
                  data_dir: str | Path | None = None) -> None:
    """Raise :class:`PrivacyError` listing files and masked terms when any output holds a name or identifier.

    Pass the ``key`` (and the organisation names to ``keep``), or ``data_dir``: the study folder to build
    both from.
    """
    if key is None:
        if data_dir is None:
            raise TypeError("check_outputs needs the key or the study folder (data_dir)")
        study = load_study(data_dir)
        key, keep = study_key(study, output_dir), study.organisations
    if not Path(output_dir).is_dir():
        raise InputError(output_dir, "is not a folder",
                         fix="pass the folder that holds data/processed, figures and reports")
    findings = scan_outputs(gate_roots(output_dir), key, keep)
    if findings:
        raise PrivacyError(privacy_message(findings, Path(output_dir).resolve()))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate on its own: exit 0 when clean, 1 when something is found, 2 on a bad study folder."""
    parser = argparse.ArgumentParser(prog="python -m helpers.runner.privacy",
                                     description="Scan every output file for real names and identifiers.")
    parser.add_argument("--data-dir", required=True, help="the study folder (participants.csv, pseudonyms.csv)")
    parser.add_argument("--output-dir", default=".", help="the folder holding data/processed, figures and reports")
    args = parser.parse_args(argv)
    try:
        check_outputs(args.output_dir, data_dir=args.data_dir)
    except InputError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except PrivacyError as exc:
        print(exc, file=sys.stderr)
        return 1
    count = len(output_files(gate_roots(args.output_dir)))
    print(f"Privacy gate: {count} output file(s) scanned, no names or identifiers found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
