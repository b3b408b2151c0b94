"""REFI-QDA export: the codebook as ``.qdc`` and the study as a ``.qdpx`` project, strictly to the schemas.

The files validate against ``Codebook.xsd`` and ``Project.xsd`` (QDA-XML 1.0, in ``../shared/refi-qda/``), so
NVivo, ATLAS.ti, MAXQDA and QualCoder open them; GUIDs and zip timestamps are fixed, so the same study
gives the same bytes. :mod:`helpers.coding.qda.refiqda` reads such files back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd

from ... import __version__
from ...core.records import note_written
from ..codebook_model import Codebook
from .refiqda import AUTOMATIC_USER_ID, CODEBOOK_NS, PROJECT_NS, describe_code, make_guid


def _code_elements(codebook: Codebook, parent: ET.Element, parent_id: str | None, ns: str) -> None:
    for code in codebook.children(parent_id):
        attrs = {"guid": make_guid("code", code.id), "name": code.label, "isCodable": "true"}
        elem = ET.SubElement(parent, f"{{{ns}}}Code", attrs | ({"color": code.color} if code.color else {}))
        ET.SubElement(elem, f"{{{ns}}}Description").text = describe_code(code)
        _code_elements(codebook, elem, code.id, ns)


def _write_xml(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_qdc(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` as a REFI-QDA codebook (``.qdc``, valid against Codebook.xsd)."""
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": f"helpers {__version__}"})
    _code_elements(codebook, ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), None, CODEBOOK_NS)
    Path(path).write_bytes(_write_xml(root, CODEBOOK_NS))
    note_written(Path(path))
    return Path(path)


def _element(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{PROJECT_NS}}}{tag}", attrs)


def _users(root: ET.Element, codings: pd.DataFrame) -> dict[str, str]:
    """``<Users>``: one per coder; the rule-based coder is marked so a re-import can tell it apart."""
    coders = codings.drop_duplicates("coder").sort_values("coder")
    guids: dict[str, str] = {}
    users = _element(root, "Users") if len(coders) else None
    for rec in coders.to_dict("records"):
        guids[rec["coder"]] = make_guid("user", rec["coder"])
        extra = {"id": AUTOMATIC_USER_ID} if rec["source"] == "rules" else {}
        _element(users, "User", guid=guids[rec["coder"]], name=rec["coder"], **extra)
    return guids


def _cases(root: ET.Element, participants: pd.DataFrame, sources: dict[str, str]) -> None:
    """``<Variables>`` organisation and role, and one ``<Case>`` per participant holding its source."""
    variables = _element(root, "Variables")
    var_guids = {name: make_guid("variable", name) for name in ("organisation", "role")}
    for name, guid in var_guids.items():
        _element(variables, "Variable", guid=guid, name=name, typeOfVariable="Text")
    cases = _element(root, "Cases")
    for rec in participants.to_dict("records"):
        case = _element(cases, "Case", guid=make_guid("case", rec["participant_id"]), name=rec["participant_id"])
        for name, guid in var_guids.items():
            value = _element(case, "VariableValue")
            _element(value, "VariableRef", targetGUID=guid)
            _element(value, "TextValue").text = str(rec[name])
        if rec["participant_id"] in sources:
            _element(case, "SourceRef", targetGUID=sources[rec["participant_id"]])


def _sources(root: ET.Element, documents: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame,
             users: dict[str, str]) -> dict[str, str]:
    """``<Sources>``: each document as a plain-text source, its coded segments as selections."""
    coded = codings.merge(segments[["segment_id", "char_start", "char_end"]], on="segment_id")
    by_participant = {pid: group for pid, group in coded.groupby("participant_id", sort=False)}
    sources = _element(root, "Sources")
    guids: dict[str, str] = {}
    for rec in documents.to_dict("records"):
        pid = rec["participant_id"]
        guids[pid] = make_guid("source", pid)
        source = _element(sources, "TextSource", guid=guids[pid], name=pid, plainTextPath=f"internal://{pid}.txt")
        group = by_participant.get(pid, coded.iloc[0:0])
        for (segment_id, start, end), rows in group.groupby(["segment_id", "char_start", "char_end"], sort=True):
            selection = _element(source, "PlainTextSelection", guid=make_guid("selection", segment_id),
                                 name=segment_id, startPosition=str(int(start)), endPosition=str(int(end)))
            for row in rows.to_dict("records"):
                key = f"{segment_id}|{row['code_id']}|{row['coder']}"
                coding = _element(selection, "Coding", guid=make_guid("coding", key), creatingUser=users[row["coder"]])
                _element(coding, "CodeRef", targetGUID=make_guid("code", row["code_id"]))
    return guids


def write_qdpx(path: str | Path, documents: pd.DataFrame, participants: pd.DataFrame, segments: pd.DataFrame,
               codings: pd.DataFrame, codebook: Codebook | None, name: str = "Interview study") -> Path:
    """Export the study as a REFI-QDA project: pseudonymised texts, codebook, codings, cases and coders.

    Each coded segment becomes a ``PlainTextSelection`` at its ``char_start``-``char_end`` in the
    document text, which is stored as ``sources/<participant_id>.txt``.
    """
    root = ET.Element(f"{{{PROJECT_NS}}}Project", {"name": name, "origin": f"helpers {__version__}"})
    users = _users(root, codings)
    if codebook is not None and codebook.codes:
        book = _element(root, "CodeBook")
        _code_elements(codebook, _element(book, "Codes"), None, PROJECT_NS)
    source_guids = {pid: make_guid("source", pid) for pid in documents["participant_id"]}
    _cases(root, participants, source_guids)
    if len(documents):
        _sources(root, documents, segments, codings, users)
    version = f"; codebook version {codebook.version}" if codebook is not None else "; no codebook"
    _element(root, "Description").text = f"Exported by helpers {__version__}{version}"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_member(archive, "project.qde", _write_xml(root, PROJECT_NS))
        for rec in documents.to_dict("records"):
            _write_member(archive, f"sources/{rec['participant_id']}.txt", rec["text"].encode("utf-8"))
    note_written(path)
    return path


def _write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Add a file with a fixed timestamp, so the same study gives a byte-identical archive."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
