"""pyproject.toml: `pip install .` gives the `arabic-news` command and every data file the code reads."""
from __future__ import annotations

import fnmatch
import importlib
import tomllib

from tests.conftest import ROOT


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_console_command_is_the_cli_main():
    module, _, name = project()["project"]["scripts"]["arabic-news"].partition(":")
    assert getattr(importlib.import_module(module), name) is importlib.import_module("crawler.cli").main


TEST_ONLY = {"pytest==9.2.0", "pytest-xdist==3.8.0"}  # the test runner and its workers: not the package's


def test_every_data_file_of_the_packages_is_installed_and_dependencies_match_requirements():
    config = project()
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    includes = config["tool"]["setuptools"]["packages"]["find"]["include"]
    tops = {pattern.rstrip("*") for pattern in includes}
    data = [p for top in tops for p in (ROOT / top).rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert any(p.name == "sites.toml" for p in data)
    missing = [str(p.relative_to(ROOT)) for p in data if not any(fnmatch.fnmatch(p.name, pat) for pat in patterns)]
    assert missing == []
    pins = {line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    assert set(config["project"]["dependencies"]) == pins - TEST_ONLY
