"""The codebook: themes and codes with definitions, criteria, examples and matching rules.

A study's codebook is ``codebook.yml`` (format in docs/codebook.md) or a REFI-QDA ``codebook.qdc``.
Both are read into the same :class:`Codebook`; every problem raises :class:`InputError` naming the
file and the code id. A study without a codebook is valid: :func:`load_codebook` returns ``None``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..core.errors import InputError
from ..core.textio import read_text
from .codebook_model import CODEBOOK_COLUMNS, Code, Codebook, Rules, codebook_as_dict
from .qda import refiqda
from .rules import MIN_PREFIX, wildcard_too_short

__all__ = ["CODEBOOK_COLUMNS", "Code", "Codebook", "Rules", "build_codebook", "codebook_as_dict", "find_codebook",
           "load_codebook", "read_codebook_yaml", "write_codebook_yaml"]

CODEBOOK_NAMES = ("codebook.yml", "codebook.yaml", "codebook.qdc")
LANGUAGES = ("sv", "en")  # languages with their own keyword lists (keywords_sv, keywords_en)
_ID = re.compile(r"^[^\s;,/]+$")
_KEYWORD = re.compile(r"^\w+(?:-\w+)*\*?(?:\s+\w+(?:-\w+)*\*?)*$")
_FIX = "see docs/codebook.md for the codebook format"


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-item list (``examples: "..."``)."""
    return [value] if isinstance(value, str) else value


class RulesSpec(BaseModel):
    """``rules:`` of a code: words, phrases and prefix wildcards matched on stems, and regular expressions."""

    model_config = ConfigDict(extra="forbid")
    keywords: list[str] = []
    keywords_sv: list[str] = []
    keywords_en: list[str] = []
    regex: list[str] = []

    _lists = field_validator("keywords", "keywords_sv", "keywords_en", "regex", mode="before")(_as_list)


class CodeSpec(BaseModel):
    """One theme or code as written in the file (children under ``codes`` are validated one by one)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    label: str
    label_en: str = ""
    parent: str | None = None
    definition: str = ""
    inclusion: list[str] = []
    exclusion: list[str] = []
    examples: list[str] = []
    color: str | None = None
    rules: RulesSpec | None = None

    _lists = field_validator("inclusion", "exclusion", "examples", mode="before")(_as_list)


class CodebookSpec(BaseModel):
    """The top level of ``codebook.yml``."""

    model_config = ConfigDict(extra="forbid")
    title: str = "Codebook"
    language: str = "sv"
    require_rules: bool = False
    themes: list[Any] = []
    codes: list[Any] = []


def find_codebook(study_root: str | Path) -> Path | None:
    """The study's codebook file (``codebook.yml``, ``.yaml`` or ``.qdc``), else None."""
    found = [Path(study_root) / n for n in CODEBOOK_NAMES if (Path(study_root) / n).exists()]
    if len(found) > 1:
        raise InputError(found[1], f"is a second codebook next to {found[0].name}",
                         fix="keep one codebook file in the study folder")
    return found[0] if found else None


def load_codebook(study_root: str | Path) -> Codebook | None:
    """Read and validate the study's codebook; None when the study has none (only inductive analysis)."""
    path = find_codebook(study_root)
    if path is None:
        return None
    if path.suffix == ".qdc":
        return build_codebook(refiqda.read_qdc(path), path, {})
    return read_codebook_yaml(path)


def read_codebook_yaml(path: str | Path) -> Codebook:
    """Read ``codebook.yml``: nested ``themes`` with ``codes``, plus optional flat ``codes`` with ``parent``."""
    path = Path(path)
    text, _ = read_text(path)
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, f"is not valid YAML ({getattr(exc, 'problem', exc)})",
                         where=f"line {mark.line + 1}" if mark else None, fix=_FIX) from exc
    if not isinstance(raw, dict):
        raise InputError(path, "must be a mapping with a 'themes' list", fix=_FIX)
    try:
        spec = CodebookSpec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(path, f"top-level field '{err['loc'][0]}': {err['msg']}", fix=_FIX) from exc
    if spec.language not in LANGUAGES:
        raise InputError(path, f"language '{spec.language}' is not one of {', '.join(LANGUAGES)}", fix=_FIX)
    nodes = _flatten(spec.themes, None, path, "themes") + _flatten(spec.codes, None, path, "codes")
    settings = {"title": spec.title, "language": spec.language, "require_rules": spec.require_rules}
    return build_codebook(nodes, path, settings, text)


def _flatten(entries: list[Any], parent: str | None, path: Path, top_key: str) -> list[dict]:
    """Nested entries as a flat list of dicts whose ``parent`` comes from the nesting (or is written)."""
    nodes: list[dict] = []
    for i, entry in enumerate(entries, start=1):
        owner = f"under '{parent}'" if parent else f"in '{top_key}'"
        if not isinstance(entry, dict):
            raise InputError(path, f"entry {i} {owner} is not a mapping with id and label", fix=_FIX)
        node = dict(entry)
        code_id = node.get("id", f"entry {i} {owner}")
        children = node.pop("codes", None) or []
        if parent is not None and node.setdefault("parent", parent) != parent:
            raise InputError(path, f"code '{code_id}' is nested under '{parent}' but says parent: {node['parent']}",
                             fix="remove the parent line of nested codes")
        if top_key == "codes" and node.get("parent") is None:
            raise InputError(path, f"code '{code_id}' in the top-level 'codes' list has no parent",
                             fix="give it 'parent: <theme or code id>' or nest it under its theme")
        node.setdefault("parent", None)
        if not isinstance(children, list):
            raise InputError(path, f"code '{code_id}': 'codes' must be a list", fix=_FIX)
        nodes += [node] + _flatten(children, str(code_id), path, top_key)
    return nodes


def _line_of(text: str, code_id: str, occurrence: int = 1) -> str | None:
    """``line N`` of the ``occurrence``-th ``id: code_id`` in the file text, for error messages."""
    pattern = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(code_id)}['\"]?\s*(#.*)?$")
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
    return f"line {hits[occurrence - 1]}" if len(hits) >= occurrence else None


def build_codebook(nodes: list[dict], path: Path, settings: dict, text: str = "") -> Codebook:
    """Validate theme/code dicts (each with ``parent``) and link them into a :class:`Codebook`."""
    specs: dict[str, CodeSpec] = {}
    for node in nodes:
        spec = _validate_node(node, path, text)
        if spec.id in specs:
            raise InputError(path, f"code id '{spec.id}' is used twice", where=_line_of(text, spec.id, 2),
                             fix="give every theme and code a unique id")
        specs[spec.id] = spec
    require_rules = bool(settings.get("require_rules"))
    has_children = {s.parent for s in specs.values()}
    for spec in specs.values():
        _check_code(spec, specs, path, text, require_rules and spec.id not in has_children)
    codes: dict[str, Code] = {}
    for spec in specs.values():
        if spec.parent is None:
            _add_subtree(spec, specs, codes, level=0, theme_id=spec.id, prefix="")
    return Codebook(path=path, codes=codes, **settings)


def _validate_node(node: dict, path: Path, text: str) -> CodeSpec:
    code_id = str(node.get("id", "")).strip() or "(no id)"
    try:
        return CodeSpec.model_validate(node)
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
        raise InputError(path, f"code '{code_id}', field '{field_name}': {err['msg']}",
                         where=_line_of(text, code_id), fix=_FIX) from exc


def _check_code(spec: CodeSpec, specs: dict[str, CodeSpec], path: Path, text: str, needs_rules: bool) -> None:
    """The per-code checks: id form, parent, cycles, rules."""
    where = _line_of(text, spec.id)

    def fail(problem: str, fix: str = _FIX) -> None:
        raise InputError(path, f"code '{spec.id}': {problem}", where=where, fix=fix)

    if not _ID.match(spec.id):
        fail("the id must not contain spaces, commas, semicolons or '/'", "use e.g. governance_mandate")
    if not spec.label.strip():
        fail("the label is empty")
    if spec.parent is not None and spec.parent not in specs:
        fail(f"unknown parent '{spec.parent}'", "use the id of an existing theme or code")
    chain, parent = [spec.id], spec.parent
    while parent is not None:
        if parent in chain:
            fail(f"its parents form a loop ({' -> '.join(chain + [parent])})",
                 "every chain of parents must end at a theme")
        chain.append(parent)
        parent = specs[parent].parent
    if spec.color and not re.fullmatch(r"#(?:[0-9A-Fa-f]{3}){1,2}", spec.color):
        fail(f"color '{spec.color}' is not a #RRGGBB colour")
    if spec.rules is not None:
        _check_rules(spec.rules, fail)
    if needs_rules and not (spec.rules and _rules_of(spec.rules)):
        fail("has no rules, but the codebook says require_rules: true",
             "add keywords or regex under rules, or set require_rules: false")


def _check_rules(rules: RulesSpec, fail) -> None:
    if not _rules_of(rules):
        fail("'rules' is given but empty", "add keywords or regex, or remove the 'rules' line")
    for keyword in rules.keywords + rules.keywords_sv + rules.keywords_en:
        if not _KEYWORD.match(keyword.strip()):
            fail(f"keyword '{keyword}' is not words separated by spaces (a '*' may end a word)",
                 "write a regular expression under 'regex' for anything else")
        if wildcard_too_short(keyword):
            fail(f"wildcard '{keyword}' needs at least {MIN_PREFIX} letters before the '*' "
                 "(two for an acronym in capitals, e.g. AI*)")
    for pattern in rules.regex:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            fail(f"invalid regular expression '{pattern}' ({exc.msg} at position {exc.pos})",
                 "check the brackets and backslashes; in YAML put the pattern in single quotes")
        if compiled.search(""):
            fail(f"regular expression '{pattern}' matches empty text, so it would code every segment")


def _rules_of(spec: RulesSpec) -> Rules:
    by_language = {lang: tuple(k.strip() for k in getattr(spec, f"keywords_{lang}")) for lang in LANGUAGES}
    return Rules(keywords=tuple(k.strip() for k in spec.keywords),
                 by_language={k: v for k, v in by_language.items() if v}, regex=tuple(spec.regex))


def _add_subtree(spec: CodeSpec, specs: dict[str, CodeSpec], codes: dict[str, Code], level: int,
                 theme_id: str, prefix: str) -> None:
    path = f"{prefix}/{spec.id}" if prefix else spec.id
    codes[spec.id] = Code(
        id=spec.id, label=spec.label.strip(), label_en=spec.label_en.strip(), parent_id=spec.parent,
        definition=spec.definition.strip(), inclusion=tuple(spec.inclusion), exclusion=tuple(spec.exclusion),
        examples=tuple(spec.examples), color=spec.color, rules=_rules_of(spec.rules) if spec.rules else None,
        level=level, theme_id=theme_id, path=path)
    for child in specs.values():
        if child.parent == spec.id:
            _add_subtree(child, specs, codes, level + 1, theme_id, path)


def write_codebook_yaml(codebook: Codebook, path: str | Path) -> Path:
    """Write ``codebook`` as ``codebook.yml`` (e.g. from a ``.qdc`` exported by a QDA program)."""
    path = Path(path)
    header = f"# Codebook exported from {codebook.path.name} (version {codebook.version}); see docs/codebook.md\n"
    body = yaml.safe_dump(codebook_as_dict(codebook), allow_unicode=True, sort_keys=False, width=110)
    path.write_text(header + body, encoding="utf-8")
    return path
