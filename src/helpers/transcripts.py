"""Reading interview transcripts (.txt, .docx, .vtt, .srt) into speaker turns.

Interface (stable; the cleaning stage codes against it):

- ``read_transcript(path) -> Transcript``: dispatch on the file extension.
- ``Transcript.turns``: the turns in file order, each a :class:`Turn` with the speaker label *as written*
  (``None`` when the file has no label for it), the text as written (timestamps and transcription marks
  still in it; NFC, ``\n``), start/end in seconds where the format knows them, and the line (or
  paragraph, or cue) number where it starts, for error messages and audit.
- Bad input raises :class:`helpers.errors.InputError` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Turn:
    """One stretch of speech by one speaker, as found in the file."""

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass
class Transcript:
    """A transcript file read into turns, with what was noticed while reading it."""

    path: Path
    format: str  # "txt", "docx", "vtt" or "srt"
    encoding: str | None  # detected text encoding (None for .docx)
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)


def read_transcript(path: str | Path) -> Transcript:
    """Read any supported transcript file into turns."""
    raise NotImplementedError  # replaced by the readers
