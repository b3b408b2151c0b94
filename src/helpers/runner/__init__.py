"""The runner: ``python -m helpers.pipeline`` (:mod:`.cli`) and what it runs the notebooks with."""

import sys

# papermill imports nbformat, which imports jsonschema, which imports rfc3987-syntax if it is installed (jupyterlab
# installs it): that package builds its grammar as it is imported, 1.2 s of CPU in every runner process, for the
# "iri" formats that no notebook schema uses (python-jsonschema/jsonschema#1392). Marked as absent, jsonschema skips
# those two format checks. Only in the runner's own processes: a forked kernel drops the mark (zygote.py), so
# notebooks see the environment as it is.
NOT_IMPORTED = ("rfc3987_syntax",)
for _name in NOT_IMPORTED:
    sys.modules.setdefault(_name, None)
