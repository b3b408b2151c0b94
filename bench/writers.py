"""Writers for the transcript formats researchers receive (Word, Teams WebVTT, SRT, timestamped text).

Used to build the fictional sample study from plain drafts and, in the benchmark, to write generated
studies in the same formats. Each writer takes a list of turns ``(speaker label, paragraphs)``.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from docx import Document
from docx.shared import Pt

Turn = tuple[str, list[str]]
WORDS_PER_SECOND = 2.4
FICTIONAL_NOTE = "Fiktiv exempelstudie: påhittade personer och kommuner (fictional sample study)."


def timeline(turns: list[Turn], start: float = 2.0) -> list[tuple[float, float]]:
    """Start and end second of each turn, at a steady speaking rate with short pauses."""
    times, t = [], start
    for _, paragraphs in turns:
        words = sum(len(p.split()) for p in paragraphs)
        end = t + max(1.0, words / WORDS_PER_SECOND)
        times.append((t, end))
        t = end + 0.6
    return times


def _clock(seconds: float, sep: str = ".", hours: bool = True) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    ms = int(round((s - int(s)) * 1000)) % 1000
    core = f"{int(m):02d}:{int(s):02d}{sep}{ms:03d}"
    return f"{int(h):02d}:{core}" if hours else core


def _chunks(text: str, size: int) -> list[str]:
    words = text.split()
    return [" ".join(words[i:i + size]) for i in range(0, len(words), size)] or [""]


def write_vtt_teams(turns: list[Turn], path: Path, seed: int = 0) -> None:
    """Microsoft Teams style: cue ids, ``<v Name>`` voice tags, utterances split mid-sentence over cues."""
    lines = ["WEBVTT", "", f"NOTE {FICTIONAL_NOTE}", ""]
    base = uuid.UUID(int=random.Random(seed).getrandbits(128), version=4)
    for n, ((speaker, paragraphs), (start, end)) in enumerate(zip(turns, timeline(turns))):
        pieces = _chunks(" ".join(paragraphs), 14)
        step = (end - start) / len(pieces)
        for k, piece in enumerate(pieces):
            lines += [f"{base}/{n + 10}-{k}", f"{_clock(start + k * step)} --> {_clock(start + (k + 1) * step)}",
                      f"<v {speaker}>{piece}</v>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_srt(turns: list[Turn], path: Path) -> None:
    """SRT as transcription services export it: ``Name:`` on the first cue of each turn."""
    blocks, number = [], 1
    for (speaker, paragraphs), (start, end) in zip(turns, timeline(turns)):
        pieces = _chunks(" ".join(paragraphs), 16)
        step = (end - start) / len(pieces)
        for k, piece in enumerate(pieces):
            text = f"{speaker}: {piece}" if k == 0 else piece
            blocks.append(f"{number}\n{_clock(start + k * step, ',')} --> {_clock(start + (k + 1) * step, ',')}\n{text}\n")
            number += 1
    path.write_text("\n".join(blocks), encoding="utf-8")


def write_txt_timestamped(turns: list[Turn], path: Path, encoding: str, title: str) -> None:
    """``[HH:MM:SS] Label: text`` lines, continuation paragraphs below, a title line first."""
    lines = [title, ""]
    for (speaker, paragraphs), (start, _) in zip(turns, timeline(turns)):
        lines.append(f"[{_clock(start)[:8]}] {speaker}: {paragraphs[0]}")
        lines += paragraphs[1:]
        lines.append("")
    path.write_bytes("\r\n".join(lines).encode(encoding))


def write_txt_otter(turns: list[Turn], path: Path, encoding: str, title: str) -> None:
    """Otter.ai style: ``Name  M:SS`` alone on a line, the text below."""
    lines = [title, ""]
    for (speaker, paragraphs), (start, _) in zip(turns, timeline(turns)):
        m, s = divmod(int(start), 60)
        lines += [f"{speaker}  {m}:{s:02d}", *paragraphs, ""]
    path.write_bytes("\n".join(lines).encode(encoding))


def write_docx(turns: list[Turn], path: Path, title: str, style: str) -> None:
    """Word transcript. ``style``: 'bold' (bold label starts the paragraph), 'plain', 'own-line'
    (bold label in its own paragraph) or 'table' (two columns, speaker | text)."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = FICTIONAL_NOTE
    doc.sections[0].footer.paragraphs[0].text = "Transkribering – konfidentiellt"
    doc.add_heading(title, level=1)
    if style == "table":
        table = doc.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Talare", "Text"
        for speaker, paragraphs in turns:
            row = table.add_row().cells
            row[0].text = speaker
            row[1].text = paragraphs[0]
            for extra in paragraphs[1:]:
                row[1].add_paragraph(extra)
    else:
        for speaker, paragraphs in turns:
            if style == "own-line":
                doc.add_paragraph().add_run(speaker).bold = True
                first = doc.add_paragraph(paragraphs[0])
            else:
                first = doc.add_paragraph()
                label = first.add_run(f"{speaker}:")
                label.bold = style == "bold"
                first.add_run(f" {paragraphs[0]}")
            for extra in paragraphs[1:]:
                doc.add_paragraph(extra)
            first.paragraph_format.space_before = Pt(6)
    doc.save(path)
