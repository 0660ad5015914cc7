"""benchmarks/extraction_eval.py: its leave-one-family-out switch really turns rules off, and it runs end to end."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.extraction import rulebook

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "benchmarks" / "extraction_eval.py"


@pytest.fixture(scope="module")
def evaluation():
    spec = importlib.util.spec_from_file_location("extraction_eval", EVAL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rule_dir(tmp_path, monkeypatch):
    """The bundled rule files plus a demo file with one WordPress-only habit and one shared habit."""
    for path in rulebook.DATA_DIR.glob("*.toml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "demo.toml").write_text(
        '[[habit]]\nid="wp-only"\nseen_on=["wordpress"]\n[[habit]]\nid="shared"\nseen_on=["wordpress", "drupal"]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(rulebook, "DATA_DIR", tmp_path)
    rulebook.reload()
    yield tmp_path
    rulebook.reload()


def test_held_out_habits_are_the_single_family_ones(evaluation, rule_dir):
    assert "demo" in evaluation.rule_files() and "families" not in evaluation.rule_files()
    assert "demo:wp-only" in evaluation.held_out_habits("wordpress")
    assert "demo:shared" not in evaluation.held_out_habits("wordpress") + evaluation.held_out_habits("drupal")


def test_clearing_caches_reaches_every_extraction_module(evaluation):
    rulebook.families()
    assert rulebook.families.cache_info().currsize == 1
    assert evaluation.clear_extraction_caches() >= 3
    assert rulebook.families.cache_info().currsize == 0


def test_leave_one_family_out_refuses_habits_left_on(evaluation, rule_dir, monkeypatch):
    html = ("<html lang='ar'><body><article><h1>عنوان</h1>" + "<p>" + "نص عربي طويل عن الحدث في المدينة " * 20 + "</p>"
            "</article></body></html>").encode()
    gold = evaluation.Gold(name="x", html=html, url="https://test.example/x", title="عنوان", must_include=["نص عربي"],
                           must_exclude=[], published=None, family="wordpress", authors=[])
    normal = {"x": evaluation.score_ours(gold)}
    scores, notes = evaluation.leave_one_family_out([gold], normal)
    assert len(scores) == 1 and "single-family habits off" in notes[0] and " 0 single-family" not in notes[0]
    monkeypatch.setattr(rulebook, "enabled", lambda habit: True)  # a broken switch must not pass unnoticed
    with pytest.raises(SystemExit, match="left single-family habits on"):
        evaluation.leave_one_family_out([gold], normal)


def test_eval_runs_and_reports_every_split():
    out = subprocess.run([sys.executable, str(EVAL), "--no-sample", "-v"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    for heading in ("REAL PAGES", "COMPOSED PAGES", "LEAVE-ONE-FAMILY-OUT, real + composed", "LEAVE-ONE-FAMILY-OUT, real pages only",
                    "habits held out per family", "PER-PAGE FAILURES"):
        assert heading in text, heading
    for field in ("caption precision", "author precision", "wrong authors", "source precision", "language"):
        assert field in text, field
    assert "traf.bare_extraction" in text and "traf.extract" in text
