"""``study.yml``: the study's optional facts (title, members, languages, attribution), read and validated.

Apart from :mod:`helpers.core.study` (which needs pandas for the participants), so that the runner can read the
members on its fast path, a re-run with nothing to do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import InputError
from .limits import check_size

AttributionLevel = Literal["id", "id+organisation", "id+role", "id+organisation+role"]  # see report/attribution.py


class StudyConfig(BaseModel):
    """``study.yml``: optional facts about the study."""

    model_config = ConfigDict(extra="forbid")
    title: str = "Interview study"
    members: list[str] = []
    language: str = "sv"
    fictional: bool = False
    description: str = ""
    interviewers: list[str] = []
    workshop_date: dt.date | None = None
    attribution: AttributionLevel = "id+organisation"  # what is shown under a quote
    report_language: Literal["sv", "en"] | None = None  # the report's and briefs' language; default: language

    @property
    def report_lang(self) -> str:
        """The language the report and the briefs are written in: ``report_language``, else the study's
        ``language`` when there is a catalogue for it (:mod:`helpers.core.i18n`), else English."""
        if self.report_language:
            return self.report_language
        return self.language if self.language in ("sv", "en") else "en"


def load_config(root: Path) -> StudyConfig:
    """Read ``study.yml`` (optional)."""
    path = root / "study.yml"
    if not path.exists():
        return StudyConfig()
    try:
        check_size(path)
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, f"is not valid YAML ({getattr(exc, 'problem', exc)})", where=where) from exc
    if not isinstance(raw, dict):
        raise InputError(path, "must be a mapping of fields (title, members, language, fictional)")
    try:
        return StudyConfig.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field_name = ".".join(str(p) for p in err["loc"])
        raise InputError(path, f"field '{field_name}': {err['msg']}",
                         fix="see docs/data.md for the fields study.yml may hold") from exc
