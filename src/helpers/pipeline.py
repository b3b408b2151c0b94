"""The runner's entry point: ``python -m helpers.pipeline`` (see :mod:`helpers.runner.cli`)."""

from .runner.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
