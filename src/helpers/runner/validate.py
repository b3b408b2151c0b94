"""Validation of a whole study folder before any notebook runs (``--check``, and the runner's first step)."""

from __future__ import annotations

from pathlib import Path

from ..core.study import Study, load_study
from ..interviews.cache import InterviewCache
from ..interviews.roles import check_layout
from ..interviews.transcripts import read_transcript


def check_study(data_dir: str | Path, cache_dir: str | Path | None = None) -> Study:
    """Load the study and read every input once, so that bad input stops the run with exit 2 up front.

    With ``cache_dir`` (the runner's :data:`helpers.interviews.cache.CACHE_FOLDER` in the output folder) each
    transcript is read through stage 01's cache: a transcript read before is not parsed again, and one parsed now
    is stored for stage 01, which then finds it there. Raises :class:`helpers.core.errors.InputError` naming the
    file, the row or line, and what to do (a transcript that cannot be read is never stored).
    """
    from ..coding.codings import study_codebook, validate_codings
    from ..workshop.outcomes import load_workshop

    study = load_study(data_dir)
    cache = InterviewCache(Path(cache_dir)) if cache_dir is not None else None
    read = cache.read if cache is not None else read_transcript
    for path, layout in zip(study.participants["transcript_path"], study.participants["layout"]):
        check_layout(read(path), layout)
    if cache is not None:
        cache.prune()  # every transcript of the study was read: the others' entries go
    codebook = study_codebook(study)
    validate_codings(study, codebook)
    load_workshop(study, theme_ids={theme.id for theme in codebook.themes} if codebook else None)
    return study
