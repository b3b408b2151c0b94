"""Validation of a whole study folder before any notebook runs (``--check``, and the runner's first step)."""

from __future__ import annotations

from pathlib import Path

from ..core.study import Study, load_study
from ..interviews.roles import check_layout
from ..interviews.transcripts import read_transcript


def check_study(data_dir: str | Path) -> Study:
    """Load the study and read every input once, so that bad input stops the run with exit 2 up front.

    Raises :class:`helpers.core.errors.InputError` naming the file, the row or line, and what to do.
    """
    from ..coding.codings import study_codebook, validate_codings
    from ..workshop.outcomes import load_workshop

    study = load_study(data_dir)
    for path, layout in zip(study.participants["transcript_path"], study.participants["layout"]):
        check_layout(read_transcript(path), layout)
    codebook = study_codebook(study)
    validate_codings(study, codebook)
    load_workshop(study, theme_ids={theme.id for theme in codebook.themes} if codebook else None)
    return study
