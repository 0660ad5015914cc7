"""Markup rules as data: each `[[habit]]` in `data/*.toml` names the CMS families it was seen on.

A habit is one markup convention (a caption class, a byline container, a slider attribute...) with
the families of `data/families.toml` it was seen on. Extraction modules ask `habits(file)` for the
habits in force; `holding_out(family)` switches off every habit seen on that family alone, so the
evaluation can score a family with only the rules that other CMSs also showed (leave-one-family-out).
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
_held_out: str | None = None  # set only by `holding_out`, for evaluation runs


class RuleError(ValueError):
    """A data file names an unknown family or a habit without families."""


@dataclass(frozen=True)
class Habit:
    """One markup habit: `id`, the families it was seen on, and its own fields (`data`)."""

    id: str
    seen_on: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@lru_cache(maxsize=1)
def families() -> dict[str, dict[str, Any]]:
    with open(DATA_DIR / "families.toml", "rb") as fh:
        return tomllib.load(fh)["family"]


@lru_cache(maxsize=None)
def _all_habits(file_stem: str) -> tuple[Habit, ...]:
    with open(DATA_DIR / f"{file_stem}.toml", "rb") as fh:
        entries = tomllib.load(fh).get("habit", [])
    known = families()
    loaded = []
    for entry in entries:
        entry = dict(entry)
        habit_id, seen_on = entry.pop("id", None), tuple(entry.pop("seen_on", ()))
        if not habit_id or not seen_on:
            raise RuleError(f"{file_stem}.toml: every habit needs an id and seen_on families ({entry})")
        unknown = [f for f in seen_on if f not in known]
        if unknown:
            raise RuleError(f"{file_stem}.toml: habit {habit_id!r} names unknown families {unknown}")
        loaded.append(Habit(habit_id, seen_on, entry))
    return tuple(loaded)


def reload() -> None:
    """Forget the loaded data files (after editing them, or pointing DATA_DIR elsewhere)."""
    families.cache_clear()
    _all_habits.cache_clear()


def habits(file_stem: str) -> list[Habit]:
    """The habits of `data/<file_stem>.toml` in force (all of them, unless a family is held out)."""
    return [h for h in _all_habits(file_stem) if enabled(h)]


def enabled(habit: Habit) -> bool:
    return _held_out is None or set(habit.seen_on) != {_held_out}


def single_family_habits(file_stem: str) -> list[Habit]:
    """Habits seen on one family only: the ones a leave-one-family-out score switches off."""
    return [h for h in _all_habits(file_stem) if len(set(h.seen_on)) == 1]


@contextmanager
def holding_out(family: str) -> Iterator[None]:
    """Within the block, habits seen on `family` alone are off (for leave-one-family-out scoring)."""
    global _held_out
    if family not in families():
        raise RuleError(f"unknown family {family!r}")
    previous, _held_out = _held_out, family
    try:
        yield
    finally:
        _held_out = previous
