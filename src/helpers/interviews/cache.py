"""Stage 01's per-interview cache: each transcript as read, and each interview's segments, kept between runs.

Reading 1,200 transcripts takes longer than everything else before the first notebook. The runner's validation
reads each transcript through :meth:`InterviewCache.read`, which stores the parse; stage 01 reads through the same
cache and finds it there, so a run parses every transcript once, and a re-run only the transcripts that changed.
Stage 01 also keeps each interview's segments (:class:`SegmentCache`), so that it pseudonymises, cleans and
segments again only what changed.

An entry is found by a hash of everything its result depends on: the transcript file's bytes and type, the code
of :mod:`helpers.interviews` and :mod:`helpers.core` and the versions of the reading libraries (:func:`code_version`),
and for segments also the participant's row, the cleaning rules, ``max_words`` and the pseudonymisation key
(:attr:`helpers.interviews.pseudonymise.Pseudonymiser.fingerprint`). Nothing else is trusted: a changed setting
makes another hash, whose entry is not there yet.

The cache holds personal data (the transcripts' text, names included). It lives in the output folder next to
``keys/`` (:data:`CACHE_FOLDER`), never in the staged or published outputs, and holds a ``.gitignore`` of its own.
Entries are written atomically (a temporary file renamed into place) with a checksum: an entry that cannot be
read or does not match its checksum is ignored and computed again. :meth:`InterviewCache.prune` removes the
entries the study no longer uses, so the cache holds at most one entry per transcript and kind.

Only the standard library is imported at module level: the runner imports :data:`CACHE_FOLDER` on its fast path.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .pseudonymise import Pseudonymiser
    from .segments import CleaningRules
    from .transcripts import Transcript

CACHE_FOLDER = Path(".pipeline-cache") / "interviews"  # in the output folder, next to keys/
FORMAT = 1  # of the entries; part of every hash, so a new format never reads an old entry
READER_LIBRARIES = ("python-docx", "webvtt-py", "srt", "lxml", "charset-normalizer", "personnummer")
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_SECONDS = 3600  # a temporary file this old was left by a crashed writer


def cache_folder(output_dir: str | Path, cache_dir: str | Path = "") -> Path:
    """The cache folder: ``cache_dir`` when given (the runner's, as its notebooks write to a staging folder),
    else ``<output_dir>/.pipeline-cache/interviews`` (a notebook run by hand)."""
    return Path(cache_dir) if str(cache_dir) else Path(output_dir) / CACHE_FOLDER


def fingerprint(*parts: object) -> str:
    """One hash of JSON-able ``parts`` (anything else by its ``str``)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that reads and segments transcripts: :mod:`helpers.interviews` and :mod:`helpers.core`
    (their ``.py`` and ``.yml`` files), and the versions of Python and of the libraries that read the files."""
    from importlib import metadata

    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{FORMAT}".encode())
    for folder in ("interviews", "core"):
        for path in sorted((package / folder).rglob("*")):
            if path.suffix in (".py", ".yml", ".yaml") and path.is_file():
                h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    versions = []
    for name in READER_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    h.update(json.dumps([sys.version, versions]).encode())
    return h.hexdigest()


class EntryStore:
    """One kind of entry in one folder: ``<folder>/<key>.json``, each a checksum line and a JSON value."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # keys looked up or stored since this store was made
        self._made = False

    def load(self, key: str) -> Any | None:
        """The value stored under ``key``, or None when there is none or it is unreadable or corrupt."""
        self.used.add(key)
        try:
            data = (self.folder / f"{key}.json").read_bytes()
        except OSError:
            return None
        digest, _, body = data.partition(b"\n")
        if digest.decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def store(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` atomically; a failure (a full disk, a read-only folder) only loses the entry.

        The rename makes a crash of the run leave the old entry or the new one; the checksum makes a file the system
        did not finish writing (a power cut before its data reached the disk) read as no entry, so no fsync is needed.
        """
        self.used.add(key)
        try:
            body = json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8")
        except (TypeError, ValueError):  # not JSON-able: not cached, computed again next time
            return
        temp = None
        try:
            if not self._made:
                _private_folder(self.folder)
                self._made = True
            fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".json", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                handle.write(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
            os.replace(temp, self.folder / f"{key}.json")
        except OSError:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries not used since this store was made, and temporary files left by a crashed writer."""
        try:
            paths = list(self.folder.iterdir())
        except OSError:
            return
        now = time.time()
        for path in paths:
            try:
                if path.name.startswith(_TEMP_PREFIX):
                    if now - path.stat().st_mtime > _STALE_TEMP_SECONDS:
                        path.unlink()
                elif path.suffix == ".json" and path.stem not in self.used:
                    path.unlink()
            except OSError:
                pass


def _private_folder(folder: Path) -> None:
    """Make ``folder`` (owner-only where the system allows) under a cache root that git ignores."""
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.mkdir(exist_ok=True, mode=0o700)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Stage 01's cache: transcripts as read (personal data). Never commit or share.\n*\n",
                          encoding="utf-8")


class InterviewCache:
    """Stage 01's cache in ``folder``: transcripts as read (:meth:`read`) and segments (:meth:`segments`)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._transcripts = EntryStore(self.folder / "transcripts")
        self._segments = EntryStore(self.folder / "segments")
        self._keys: dict[Path, str] = {}

    def transcript_key(self, path: str | Path) -> str:
        """The hash a transcript's entries are found by: its bytes and file type, and :func:`code_version`."""
        path = Path(path)
        if path not in self._keys:
            self._keys[path] = _transcript_key(path)
        return self._keys[path]

    def read(self, path: str | Path) -> "Transcript":
        """:func:`helpers.interviews.transcripts.read_transcript`, from the cache when the file was read before.

        A file that cannot be read raises the same InputError as ``read_transcript``, and is never stored.
        """
        from .transcripts import read_transcript

        path = Path(path)
        try:
            key = self.transcript_key(path)
        except OSError:  # missing, a folder, unreadable: read_transcript says which, naming the file
            return read_transcript(path)
        if (value := self._transcripts.load(key)) is not None and (found := _transcript(path, value)) is not None:
            return found
        transcript = read_transcript(path)
        with suppress(OSError):
            if _transcript_key(path) == key:  # not saved again while it was being read
                self._transcripts.store(key, _transcript_value(transcript))
        return transcript

    def segments(self, pseudonymiser: "Pseudonymiser") -> "SegmentCache":
        """The cache of segments pseudonymised with ``pseudonymiser`` (its key is part of every entry's hash)."""
        return SegmentCache(self._segments, self.transcript_key, pseudonymiser)

    def prune(self) -> None:
        """Remove the entries of transcripts and settings not used since this cache was made.

        Call it after the whole study was read (and segmented); a kind not used at all is left as it is.
        """
        for store in (self._transcripts, self._segments):
            if store.used:
                store.prune()


@dataclass
class SegmentCache:
    """Each interview's segments, document and quality row (:func:`helpers.interviews.segments.segment_study`)."""

    entries: EntryStore
    transcript_key: Callable[[Path], str]
    pseudonymiser: "Pseudonymiser"

    @property
    def pseudonymise(self) -> Callable[[str], str]:
        return self.pseudonymiser.apply

    def key(self, transcript: "Transcript", participant: dict, rules: "CleaningRules", max_words: int) -> str:
        """The hash of everything an interview's segments depend on."""
        return fingerprint("segments", self.transcript_key(transcript.path), participant, _rules_value(rules),
                           max_words, self.pseudonymiser.fingerprint)

    def load(self, key: str) -> tuple[list[dict], str, dict] | None:
        """``(segment rows, document, quality row)`` stored under ``key``, or None."""
        value = self.entries.load(key)
        if not isinstance(value, dict) or not {"rows", "document", "quality"} <= value.keys():
            return None
        return value["rows"], value["document"], value["quality"]

    def store(self, key: str, rows: list[dict], document: str, quality: dict) -> None:
        self.entries.store(key, {"rows": rows, "document": document, "quality": quality})


def _transcript_key(path: Path) -> str:
    with open(path, "rb") as handle:
        content = hashlib.file_digest(handle, "sha256").hexdigest()
    return fingerprint("transcript", content, path.suffix.lower(), code_version())


def _rules_value(rules: "CleaningRules") -> dict:
    """The cleaning rules as JSON (whether from cleaning.yml or a study's ``cleaning_file``)."""
    return {"fillers": {lang: list(words) for lang, words in sorted(rules.fillers.items())},
            "marks": list(rules.marks), "interviewer_labels": sorted(rules.interviewer_labels),
            "respondent_labels": sorted(rules.respondent_labels)}


def _transcript_value(transcript: "Transcript") -> dict:
    """A transcript as JSON; its path is not stored (the entry is found by the file's content)."""
    return {"format": transcript.format, "encoding": transcript.encoding, "layout": transcript.layout,
            "warnings": list(transcript.warnings),
            "turns": [[t.speaker, t.text, t.start, t.end, t.line] for t in transcript.turns]}


def _transcript(path: Path, value: Any) -> "Transcript | None":
    """The transcript stored as ``value`` (read from ``path``), or None when the entry is not one."""
    from .transcripts import Transcript, Turn

    try:
        turns = [Turn(speaker, text, start, end, line) for speaker, text, start, end, line in value["turns"]]
        return Transcript(path, value["format"], value["encoding"], turns, list(value["warnings"]), value["layout"])
    except (KeyError, TypeError, ValueError):
        return None
