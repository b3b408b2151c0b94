"""The pins live in pyproject.toml; environment.yml must list exactly the same packages and versions."""

import re
import tomllib

import yaml

from conftest import ROOT


def _norm(requirement: str) -> tuple[str, str]:
    name, version = re.split(r"==", requirement.strip())
    return re.sub(r"[-_.]+", "-", name).lower(), version


def test_environment_yml_matches_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = dict(_norm(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = dict(_norm(r) for r in pip_section if "==" in r)
    assert conda == pins
    assert "-e ." in pip_section


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        assert "==" in requirement, f"{requirement} is not pinned"
