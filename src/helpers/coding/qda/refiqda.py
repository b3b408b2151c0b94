"""REFI-QDA exchange (QDA-XML 1.0): reading codebooks (``.qdc``) and projects (``.qdpx``).

The reader is tolerant of what NVivo, ATLAS.ti, MAXQDA and QualCoder actually write: missing or older
namespaces, empty ``<Sets/>``, GUIDs with or without braces, sources inside the zip or referenced by
path, ``\\r\\n`` line endings and decomposed Unicode. This module knows the file formats only: matching
selections to participants and segments happens in :mod:`helpers.coding.codings`; writing is in
:mod:`helpers.coding.qda.refiqda_export`. A code's ``Description`` carries its definition, criteria and rules in
the line format of :func:`describe_code`, so a codebook survives the trip through a QDA program.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Iterator

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException

from ...core.errors import InputError
from ...core.limits import check_size, open_zip, read_member
from ...core.textio import read_bytes
from ..codebook_model import Code

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
AUTOMATIC_USER_ID = "helpers-rules"  # User/@id marking the rule-based coder in exported projects
_GUID_NS = uuid.UUID("6f1c9a52-3d0e-4c55-9d53-8a1f2b7c4e10")  # fixed, so exports are reproducible
_FIELDS = {"Inclusion": "inclusion", "Exclusion": "exclusion", "Example": "examples", "Keywords": "keywords",
           "Keywords (sv)": "keywords_sv", "Keywords (en)": "keywords_en", "Regex": "regex",
           "English label": "label_en", "Id": "id"}
_FIELD_LINE = re.compile(rf"^({'|'.join(re.escape(k) for k in _FIELDS)}):\s?(.*)$")


# ---- XML helpers -------------------------------------------------------------------------------

def _local(tag: str) -> str:
    """Element name without its namespace, so any namespace (or none) is accepted."""
    return tag.rsplit("}", 1)[-1]


def _kids(elem: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in elem if _local(child.tag) == name]


def _kid(elem: ET.Element, name: str) -> ET.Element | None:
    found = _kids(elem, name)
    return found[0] if found else None


def _guid(value: str | None) -> str:
    """A GUID in one form (no braces, lower case) for lookups."""
    return (value or "").strip().strip("{}").lower()


def make_guid(kind: str, key: str) -> str:
    """A stable GUID for ``kind`` (code, user, source ...) ``key``: the same study exports the same file."""
    return str(uuid.uuid5(_GUID_NS, f"{kind}:{key}"))


def _parse_xml(data: bytes, path: Path, member: str | None = None) -> ET.Element:
    label = f"{member} in the archive" if member else "the file"
    try:
        return defused.fromstring(data)
    except DefusedXmlException as exc:  # entities can expand a few bytes into gigabytes, or read local files
        raise InputError(path, f"{label} declares XML entities, which REFI-QDA files never need",
                         fix="export it again from the QDA program") from exc
    except ET.ParseError as exc:
        line, column = exc.position
        where = f"{member + ' ' if member else ''}line {line}, column {column}"
        raise InputError(path, f"{label} is not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
                         where=where, fix="export it again from the QDA program") from exc


# ---- codes and their descriptions ---------------------------------------------------------------

def describe_code(code: Code) -> str:
    """A code's definition, criteria, examples and rules as Description text that QDA programs show."""
    lines = [code.definition] if code.definition else []
    lines += [""] if lines else []
    lines += [f"Inclusion: {v}" for v in code.inclusion] + [f"Exclusion: {v}" for v in code.exclusion]
    lines += [f"Example: {v}" for v in code.examples]
    if code.rules:
        lines += [f"Keywords: {'; '.join(code.rules.keywords)}"] if code.rules.keywords else []
        lines += [f"Keywords ({lang}): {'; '.join(kws)}" for lang, kws in code.rules.by_language.items()]
        lines += [f"Regex: {pattern}" for pattern in code.rules.regex]
    lines += [f"English label: {code.label_en}"] if code.label_en else []
    return "\n".join(lines + [f"Id: {code.id}"])


def parse_description(text: str) -> dict:
    """The fields :func:`describe_code` writes; other lines form the definition (foreign codebooks)."""
    node: dict = {}
    definition: list[str] = []
    for line in text.splitlines():
        match = _FIELD_LINE.match(line.strip())
        if not match:
            definition.append(line)
            continue
        key, value = _FIELDS[match.group(1)], match.group(2).strip()
        if key in ("id", "label_en"):
            node[key] = value
        elif key.startswith("keywords"):
            node.setdefault("rules", {}).setdefault(key, []).extend(v.strip() for v in value.split(";") if v.strip())
        elif key == "regex":
            node.setdefault("rules", {}).setdefault(key, []).append(value)
        else:
            node.setdefault(key, []).append(value)
    node["definition"] = "\n".join(definition).strip()
    return node


def code_slug(name: str) -> str:
    return re.sub(r"\W+", "_", unicodedata.normalize("NFC", name).casefold()).strip("_")


def _code_nodes(codes: ET.Element, parent: str | None, used: set[str], path: Path) -> Iterator[dict]:
    """Nodes for :func:`helpers.coding.codebook.build_codebook` from nested ``<Code>`` elements."""
    for elem in _kids(codes, "Code"):
        name = (elem.get("name") or "").strip()
        if not name:
            raise InputError(path, f"a <Code> (guid {elem.get('guid')}) has no name", fix="name every code")
        description = _kid(elem, "Description")
        node = parse_description(description.text or "" if description is not None else "")
        explicit_id = "id" in node
        if not explicit_id:
            node["id"] = code_slug(name) or f"code_{_guid(elem.get('guid'))[:8]}"
            if node["id"] in used:
                node["id"] = f"{parent}.{node['id']}" if parent else f"{node['id']}_{_guid(elem.get('guid'))[:8]}"
        used.add(node["id"])
        node |= {"label": name, "parent": parent, "guid": _guid(elem.get("guid")), "explicit_id": explicit_id}
        if elem.get("color"):
            node["color"] = elem.get("color")
        yield node
        yield from _code_nodes(elem, node["id"], used, path)


def read_qdc(path: str | Path) -> list[dict]:
    """Read a REFI-QDA codebook (``.qdc``) into code nodes (any namespace; ``<Sets>`` ignored)."""
    path = Path(path)
    if zipfile.is_zipfile(path):  # a MAXQDA or NVivo project (.qdpx) saved or renamed as .qdc
        raise InputError(path, "is a REFI-QDA project file (a .qdpx zip archive), not a codebook",
                         fix="export the codebook alone as REFI-QDA codebook (.qdc) from the QDA program, or put "
                             "the project in codings/ as a .qdpx to import its codings")
    root = _parse_xml(read_bytes(path), path)
    if _local(root.tag) != "CodeBook":
        raise InputError(path, f"the root element is <{_local(root.tag)}>, not <CodeBook>",
                         fix="export the codebook as REFI-QDA codebook (.qdc)")
    codes = _kid(root, "Codes")
    if codes is None:
        raise InputError(path, "has no <Codes> element", fix="export the codebook again")
    return [{k: v for k, v in node.items() if k not in ("guid", "explicit_id")}
            for node in _code_nodes(codes, None, set(), path)]


# ---- projects (.qdpx) ----------------------------------------------------------------------------

# Words of a user name that make it an id rather than a person's name ("coder_b", "kodare2", "rules").
_GENERIC_USER_WORDS = frozenset({
    "coder", "kodare", "kodaren", "user", "användare", "rater", "bedömare", "analyst", "analytiker",
    "researcher", "forskare", "admin", "administrator", "student", "assistant", "assistent", "rules",
    "default", "guest", "gäst", "team", "project", "projekt",
})


def _is_id_like(name: str) -> bool:
    """True for a user name that names no person: each word a letter, initials ("AB", "ab"), or a generic word."""
    return all(len(word) == 1 or (word.isupper() and len(word) <= 3) or (word.islower() and len(word) <= 2)
               or word.lower() in _GENERIC_USER_WORDS for word in re.findall(r"[^\W\d_]+", name))


def coder_ids(names: list[str]) -> dict[str, str]:
    """For each QDA user name, the coder id used in outputs: initials for a person's name, ids as they are.

    A QDA program's user name is usually the coder's full real name ("Lina Björk"), and the coder id
    appears in the codings table, charts and report. Names become their initials ("Lina Björk" and
    "lina.bjork" → "LB", "Karin" → "K"); ids stay as they are ("coder_b", "kodare2", "AB", "rules": see
    :func:`_is_id_like`). Initials shared by two names are numbered in the order given ("LB", "LB2") and
    never take an id kept as it is.
    """
    ids = {name: name for name in names if _is_id_like(name)}
    taken = set(ids.values())
    for name in dict.fromkeys(n for n in names if n not in ids):
        initials = "".join(word[0] for word in re.findall(r"[^\W\d_]+", name)).upper()
        coder, n = initials, 1
        while coder in taken:
            n += 1
            coder = f"{initials}{n}"
        ids[name] = coder
        taken.add(coder)
    return ids


@dataclass
class Selection:
    """One coded ``PlainTextSelection`` of a ``.qdpx``, positions in the normalised source text."""

    guid: str
    source_name: str
    source_path: str
    case_names: tuple[str, ...]
    start: int
    end: int
    source_text: str | None  # normalised (NFC, \n) text of the source, when the archive holds it
    code_name: str
    code_id: str | None  # the ``Id:`` line of the code's description, when exported by this pipeline
    coder: str  # the user's coder id (see coder_ids): initials, never a full name
    automatic: bool  # coded by the rule-based coder of an exported project


def normalise_with_offsets(raw: str) -> tuple[str, list[int]]:
    """``raw`` with ``\\n`` line endings and NFC, and for every raw position its normalised position."""
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
        return raw, list(range(len(raw) + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    i, pos = 0, 0
    while i < len(raw):
        if raw[i] == "\r":
            j, piece = (i + 2 if raw[i + 1:i + 2] == "\n" else i + 1), "\n"
        else:
            j = i + 1
            while j < len(raw) and unicodedata.combining(raw[j]):
                j += 1
            piece = unicodedata.normalize("NFC", raw[i:j])
        offsets += [pos] * (j - i)
        pieces.append(piece)
        pos += len(piece)
        i = j
    return "".join(pieces), offsets + [pos]


def _open_project(path: Path) -> tuple[zipfile.ZipFile, ET.Element]:
    check_size(path)
    try:
        archive = open_zip(path, path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, "is not a zip archive (a .qdpx is a zip holding project.qde)",
                         fix="export the project again as REFI-QDA project (.qdpx)") from exc
    qde = [i for i in archive.infolist() if i.filename.lower().endswith(".qde")]
    if not qde:
        raise InputError(path, "holds no project.qde", fix="export the project again as REFI-QDA project")
    root = _parse_xml(read_member(archive, qde[0], path), path, qde[0].filename)
    if _local(root.tag) != "Project":
        raise InputError(path, f"{qde[0].filename}: the root element is <{_local(root.tag)}>, not <Project>")
    return archive, root


def _source_text(archive: zipfile.ZipFile, source: ET.Element, path: Path) -> str | None:
    """The source's raw text: inline, inside the archive, or None when it lives outside the archive.

    Only the member the source names is read (bounded, :func:`helpers.core.limits.read_member`): a project's
    audio, video and original documents are never inflated.
    """
    content = _kid(source, "PlainTextContent")
    if content is not None and content.text:
        return content.text
    ref = source.get("plainTextPath") or ""
    name = PureWindowsPath(PurePosixPath(re.sub(r"^\w+://", "", ref)).name).name
    members = {PurePosixPath(i.filename).name: i for i in archive.infolist() if not i.is_dir()}
    if not name or name not in members:
        return None
    try:
        return read_member(archive, members[name], path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"source text {members[name].filename} is not UTF-8",
                         fix="export the project again") from exc


def _project_codes(root: ET.Element, path: Path) -> dict[str, dict]:
    codebook = _kid(root, "CodeBook")
    codes = _kid(codebook, "Codes") if codebook is not None else None
    return {} if codes is None else {n["guid"]: n for n in _code_nodes(codes, None, set(), path)}


def _coders(root: ET.Element, fallback: str) -> dict[str, tuple[str, bool]]:
    """(coder id, automatic) per user GUID, and under "" for codings naming no user of the project.

    Coder ids come from :func:`coder_ids` over the user names (``fallback``, the file name, for codings
    without a user); the rule-based coder of an exported project keeps its name.
    """
    users = {_guid(u.get("guid")): u for u in root.iter() if _local(u.tag) == "User"}
    automatic = {guid for guid, user in users.items() if user.get("id") == AUTOMATIC_USER_ID}
    names = {guid: user.get("name") or user.get("id") or fallback for guid, user in users.items()}
    ids = coder_ids([name for guid, name in names.items() if guid not in automatic] + [fallback])
    coders = {guid: (name, True) if guid in automatic else (ids[name], False) for guid, name in names.items()}
    return {"": (ids[fallback], False)} | coders


def read_qdpx(path: str | Path) -> list[Selection]:
    """Every coded text selection in a REFI-QDA project, with its source, code and coder.

    The coder is the coding's user as :func:`coder_ids` maps it: initials for a user name that is a
    person's name ("Lina Björk" → "LB"), a short id such as "coder_b" as it is; codings without a known
    user get the file name (mapped the same way). The rule-based coder of an exported project keeps its name.
    """
    path = Path(path)
    archive, root = _open_project(path)
    coders = _coders(root, path.stem)
    codes = _project_codes(root, path)
    cases: dict[str, list[str]] = {}
    for case in (c for c in root.iter() if _local(c.tag) == "Case"):
        for ref in _kids(case, "SourceRef"):
            cases.setdefault(_guid(ref.get("targetGUID")), []).append(case.get("name") or "")
    selections: list[Selection] = []
    with archive:
        for source in (s for s in root.iter() if _local(s.tag) == "TextSource"):
            raw = _source_text(archive, source, path)
            text, offsets = normalise_with_offsets(raw) if raw is not None else (None, None)
            for sel in _kids(source, "PlainTextSelection"):
                start, end = _positions(sel, path, len(raw) if raw is not None else None)
                if offsets is not None:
                    start, end = offsets[start], offsets[end]
                for coding in _kids(sel, "Coding"):
                    code_ref = _kid(coding, "CodeRef")
                    code_guid = _guid(code_ref.get("targetGUID") if code_ref is not None else None)
                    if code_guid not in codes:
                        raise InputError(path, f"a coding refers to code {code_guid or '(none)'}, which the "
                                         "project's codebook does not contain",
                                         where=f"PlainTextSelection {sel.get('guid')}")
                    user = _guid(coding.get("creatingUser") or sel.get("creatingUser"))
                    user = user if user in coders else ""
                    selections.append(Selection(
                        guid=_guid(sel.get("guid")), source_name=source.get("name") or "",
                        source_path=source.get("plainTextPath") or "",
                        case_names=tuple(cases.get(_guid(source.get("guid")), ())), start=start, end=end,
                        source_text=text, code_name=codes[code_guid]["label"],
                        code_id=codes[code_guid]["id"] if codes[code_guid]["explicit_id"] else None,
                        coder=coders[user][0], automatic=coders[user][1]))
    return selections


def _positions(sel: ET.Element, path: Path, length: int | None) -> tuple[int, int]:
    where = f"PlainTextSelection {sel.get('guid')}"
    try:
        start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
    except ValueError as exc:
        raise InputError(path, "startPosition/endPosition are not whole numbers", where=where) from exc
    if not 0 <= start <= end or (length is not None and end > length):
        raise InputError(path, f"positions {start}-{end} lie outside the source text", where=where,
                         fix="export the project again; positions must count characters of the source")
    return start, end
