"""Importing MAXQDA's code system and coded segments, exported as text.

MAXQDA lists the code system as a table ``Code System | Memo | Frequency`` and the coded segments as
``Document name | Code | Segment``. Saved as text (for example from the PDF print), the columns run
together with single spaces, the code system loses the indentation that shows which code is under which,
and the segments keep the print's line breaks. What is left is enough to put them back together:

- the code system lists codes depth first after its root line ``Code System <total>``, each line
  ``name [memo] frequency``;
- the coded segments name each code by its path, ``Parent > Child``, after the document name.

:func:`read_code_system` therefore reads the code system *with* the coded-segments export: a code's name
is the longest start of its line that the export uses as a code path under one of the codes above it
(the rest of the line is its memo, which becomes the definition), and that path gives its parent. A code
that no coded segment uses (nor any code below it) cannot be split that way: it keeps its whole line as
label (or only the first words it shares with a coded sibling) and becomes a sibling of the code listed
before it.

:func:`read_coded_segments` splits the coded-segments export into its coded segments: document, code and
text (with the print's line breaks and the speaker labels of segments over several turns). Stage 02 places
them on the study's segments like every other quote (:mod:`helpers.coding.align`); :func:`export_kind` tells the two
exports apart by their content, whatever their file names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...core.errors import InputError
from ...core.textio import read_text
from ..codebook import Codebook, build_codebook
from .refiqda import code_slug

__all__ = ["CODE_SYSTEM", "CODED_SEGMENTS", "CodedSegment", "export_kind", "read_code_system", "read_coded_segments"]

CODE_SYSTEM, CODED_SEGMENTS = "code system", "coded segments"  # the two exports (see export_kind)
MAX_DOCUMENT_WORDS = 6  # a document name before the code path has at most this many words
PATH_SEPARATOR = " > "
_ROOT = re.compile(r"Code System\s+(\d+)")
_CODE_LINE = re.compile(r"(?P<text>\S.*?)\s+(?P<frequency>\d+)")
# A code path ends at a space, at the end of the line, or at a capital right after a small letter: where
# the print wrapped the code column, its last word is glued to the segment ("handling overfittingI think").
_PATH_END = r"(?= |$|(?<=[a-zß-ÿ])[A-ZÀ-Þ])"
_CODE_SYSTEM_FIX = "export the code system from MAXQDA as a list with each code's frequency, without aggregation"
_SEGMENTS_FIX = ("export 'Coded Segments' from MAXQDA together with its code system; name each document after "
                 "its participant id (e.g. P04)")
_TITLES = {CODE_SYSTEM: re.compile(r"code system(?: memo frequency)?|code system \d+", re.IGNORECASE),
           CODED_SEGMENTS: re.compile(r"(?:coded|retrieved) segments|document name code segment", re.IGNORECASE)}


def export_kind(text: str) -> str | None:
    """:data:`CODE_SYSTEM` or :data:`CODED_SEGMENTS` when ``text`` reads as that export (its title or column header
    in the first lines), else None."""
    first = [" ".join(line.split()) for line in text.split("\n")[:10] if line.strip()][:3]
    return next((kind for kind, title in _TITLES.items() if any(title.fullmatch(line) for line in first)), None)


# ---- the code system -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _CodeLine:
    """One code of the code system as printed: its line number, name and memo run together, frequency."""

    number: int
    text: str
    frequency: int


@dataclass(frozen=True)
class _Placed:
    """A code placed in the tree: its id and the labels of its path from the top."""

    id: str
    labels: tuple[str, ...]


def read_code_system(path: str | Path, *coded_segments: str | Path) -> Codebook:
    """Read MAXQDA's code system into a Codebook, with names and nesting taken from the ``coded_segments`` exports.

    Ids are the code's name as a slug (``PDP/ICE`` -> ``pdp_ice``), prefixed with the parent's id when two
    codes share a name, as for REFI-QDA codebooks. Codes have no rules: MAXQDA codes by hand.
    """
    path = Path(path)
    lines = _code_lines(path)
    tails = _line_tails("\n".join(read_text(export)[0] for export in coded_segments))
    nodes: list[dict] = []
    chain: list[_Placed] = []  # the previous code and its ancestors, outermost first
    for line in lines:
        depth, name = _name_and_depth(line.text, chain, tails)
        if name is None:  # no coded segment names it: keep the whole line, next to the code before it
            depth, name = max(len(chain) - 1, 0), line.text
        parent = chain[depth - 1] if depth else None
        code_id = _unique_id(name, parent.id if parent else None, line.number, {n["id"] for n in nodes})
        nodes.append({"id": code_id, "label": name, "parent": parent.id if parent else None,
                      "definition": line.text[len(name):].strip()})
        chain = chain[:depth] + [_Placed(code_id, (parent.labels if parent else ()) + (name,))]
    return build_codebook(nodes, path, {"title": f"MAXQDA code system ({path.name})"})


def _code_lines(path: Path) -> list[_CodeLine]:
    """The code lines after the root line ``Code System <total>``; their frequencies must add up to the total."""
    lines = read_text(path)[0].split("\n")
    root = next((i for i, line in enumerate(lines) if _ROOT.fullmatch(line.strip())), None)
    if root is None:
        raise InputError(path, "has no line 'Code System <number>' before the codes", fix=_CODE_SYSTEM_FIX)
    codes = []
    for number, line in enumerate(lines[root + 1:], start=root + 2):
        if not line.strip():
            continue
        match = _CODE_LINE.fullmatch(" ".join(line.split()))
        if match is None:
            raise InputError(path, "the line does not end with the code's frequency", where=f"line {number}",
                             fix=_CODE_SYSTEM_FIX)
        codes.append(_CodeLine(number, match["text"], int(match["frequency"])))
    total = int(_ROOT.fullmatch(lines[root].strip())[1])
    if not codes:
        raise InputError(path, "lists no codes after 'Code System'", where=f"line {root + 1}", fix=_CODE_SYSTEM_FIX)
    if sum(c.frequency for c in codes) != total:
        raise InputError(path, f"the codes' frequencies add up to {sum(c.frequency for c in codes)}, but the "
                         f"code system's total is {total} (is a code line missing?)", where=f"line {root + 1}",
                         fix=_CODE_SYSTEM_FIX)
    return codes


def _line_tails(text: str) -> str:
    """Every line of the coded-segments export without its first 1..MAX_DOCUMENT_WORDS words, one a line.

    A code path starts right after the document name, so it starts one of these tails.
    """
    tails = []
    for line in text.split("\n"):
        words = line.split(" ")
        tails += [" ".join(words[n:]) for n in range(1, min(len(words), MAX_DOCUMENT_WORDS + 1))]
    return "\n" + "\n".join(tails) + "\n"


def _names_code(labels: tuple[str, ...], tails: str) -> bool:
    """True when the export has a coded segment under this path (followed by text or a subcode)."""
    path = PATH_SEPARATOR.join(labels)
    return f"\n{path}" in tails and re.search(f"^{re.escape(path)}{_PATH_END}", tails, re.MULTILINE) is not None


def _name_and_depth(text: str, chain: list[_Placed], tails: str) -> tuple[int, str | None]:
    """The code's depth (its parent is ``chain[depth - 1]``) and name; name None when the export has no evidence.

    Depth first order puts a code's parent among the previous code and its ancestors; the deepest one
    under which the export uses the start of ``text`` wins.
    """
    words = text.split(" ")
    for depth in range(len(chain), -1, -1):
        parent = chain[depth - 1].labels if depth else ()
        name = None
        for n in range(1, len(words) + 1):  # a longer start is only used if every shorter one is
            if not _names_code(parent + (" ".join(words[:n]),), tails):
                break
            name = " ".join(words[:n])
        if name is not None:
            return depth, name
    return 0, None


def _unique_id(name: str, parent_id: str | None, line: int, used: set[str]) -> str:
    """The name as a slug; qualified by the parent's id, then by the line number, while it is taken."""
    code_id = code_slug(name) or f"code_{line}"
    if code_id in used and parent_id:
        code_id = f"{parent_id}.{code_id}"
    return code_id if code_id not in used else f"{code_id}_{line}"


# ---- coded segments ------------------------------------------------------------------------------


@dataclass
class CodedSegment:
    """One coded segment of the export: the line where it starts, whose it is, its code and its text as printed."""

    line: int
    document: str
    participant_id: str
    code_id: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_coded_segments(path: str | Path, codebook: Codebook,
                        participant: Callable[[str], str | None]) -> list[CodedSegment]:
    """The coded segments of MAXQDA's export ``path``, for the codes of ``codebook`` (see :func:`read_code_system`).

    A line that starts with a document name that ``participant`` maps to a participant id (``Interview P4``)
    and a code path of ``codebook`` starts a coded segment; the lines after it continue it. Lines before
    the first may only be the export's title and column header.
    """
    path = Path(path)
    pattern, ids = _header_pattern(codebook)
    coded: list[CodedSegment] = []
    preamble = 0
    for number, line in enumerate(read_text(path)[0].split("\n"), start=1):
        match = pattern.fullmatch(line.rstrip())
        pid = participant(match["document"]) if match else None
        if pid:
            coded.append(CodedSegment(number, match["document"], pid, ids[match["code"]], [match["text"]]))
        elif coded:
            coded[-1].lines.append(line)
        elif line.strip() and (preamble := preamble + 1) > 2:
            raise InputError(path, "the line does not start with a document of the study and a code path of the "
                             "code system", where=f"line {number}", fix=_SEGMENTS_FIX)
    if not coded:
        raise InputError(path, "holds no coded segment of the study's documents", fix=_SEGMENTS_FIX)
    return coded


def _header_pattern(codebook: Codebook) -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of a segment's first line (document, code path, text) and the code id of each path."""
    labels: dict[str, tuple[str, ...]] = {}
    for code in codebook.codes.values():  # depth first: a parent comes before its children
        labels[code.id] = (labels[code.parent_id] if code.parent_id else ()) + (code.label,)
    ids = {PATH_SEPARATOR.join(path): code_id for code_id, path in labels.items()}
    alternatives = "|".join(re.escape(p) for p in sorted(ids, key=len, reverse=True))
    pattern = re.compile(rf"(?P<document>\S+(?: \S+){{0,{MAX_DOCUMENT_WORDS - 1}}}?) "
                         rf"(?P<code>{alternatives}){_PATH_END} ?(?P<text>.*)")
    return pattern, ids
