"""The local verification file: what `sites --check --write` found, per catalog entry, kept by the user.

The bundled `crawler/sites.toml` is never edited. The file is TOML, one table per site:

    [sites.aljazeera]
    verdict = "degraded: feed … lists no items"
    status = "degraded"
    checked = "2026-12-02T06:10:00+00:00"

It lives at `--overrides PATH`, else `$ARABIC_NEWS_OVERRIDES`, else
`$XDG_CONFIG_HOME/arabic-news-archiver/sites.toml` (`~/.config/...` when XDG_CONFIG_HOME is unset).
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

ENV_VAR = "ARABIC_NEWS_OVERRIDES"
HEADER = "# Written by `python -m crawler sites --check --write`: how each catalog entry was last verified.\n"


def default_overrides_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "arabic-news-archiver" / "sites.toml"


def load_verifications(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """site name -> {verdict, status, checked}; empty when the file does not exist."""
    path = Path(path) if path else default_overrides_path()
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh).get("sites", {}))


def record_verifications(results: dict[str, dict[str, str]], path: Path | str | None = None) -> Path:
    """Merge `results` (site -> {verdict, status, checked}) into the file, keeping other sites' entries."""
    path = Path(path) if path else default_overrides_path()
    entries = {**load_verifications(path), **results}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(HEADER + "".join(_table(name, entries[name]) for name in sorted(entries)), encoding="utf-8")
    tmp.replace(path)  # never a half-written file
    return path


def _table(name: str, values: dict[str, Any]) -> str:
    # A JSON string is a valid TOML basic string; keys are quoted so any site name works.
    lines = [f"\n[sites.{json.dumps(name)}]\n"]
    lines += [f"{key} = {json.dumps(str(value), ensure_ascii=False)}\n" for key, value in values.items()]
    return "".join(lines)


def verification_text(catalog_verified: str, check: dict[str, Any] | None) -> str:
    """How `sites` shows an entry's verification: the last check when there is one, else the catalog's word."""
    if not check:
        return catalog_verified
    return f"checked {str(check.get('checked', ''))[:10]}: {check.get('status', '?')} (catalog: {catalog_verified})"
