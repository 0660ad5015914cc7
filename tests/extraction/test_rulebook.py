"""Markup habits as data: families named, single-family habits switched off when held out."""
from __future__ import annotations

import pytest

from crawler.extraction import rulebook


@pytest.fixture
def rule_dir(tmp_path, monkeypatch):
    (tmp_path / "families.toml").write_text(
        '[family.wordpress]\ndescription="wp"\n[family.drupal]\ndescription="d"\n', encoding="utf-8"
    )
    (tmp_path / "demo.toml").write_text(
        '[[habit]]\nid="wp-only"\nseen_on=["wordpress"]\nxpath="//p"\n'
        '[[habit]]\nid="shared"\nseen_on=["wordpress", "drupal"]\nxpath="//div"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(rulebook, "DATA_DIR", tmp_path)
    rulebook.reload()
    yield tmp_path
    rulebook.reload()


def test_habits_load_with_their_fields(rule_dir):
    found = rulebook.habits("demo")
    assert [h.id for h in found] == ["wp-only", "shared"]
    assert found[0]["xpath"] == "//p" and found[1].seen_on == ("wordpress", "drupal")


def test_holding_out_a_family_switches_off_only_its_own_habits(rule_dir):
    with rulebook.holding_out("wordpress"):
        assert [h.id for h in rulebook.habits("demo")] == ["shared"]
    with rulebook.holding_out("drupal"):
        assert [h.id for h in rulebook.habits("demo")] == ["wp-only", "shared"]
    assert len(rulebook.habits("demo")) == 2
    assert [h.id for h in rulebook.single_family_habits("demo")] == ["wp-only"]


def test_unknown_family_is_an_error(rule_dir):
    (rule_dir / "bad.toml").write_text('[[habit]]\nid="x"\nseen_on=["joomla"]\n', encoding="utf-8")
    with pytest.raises(rulebook.RuleError, match="joomla"):
        rulebook.habits("bad")
    with pytest.raises(rulebook.RuleError):
        with rulebook.holding_out("joomla"):
            pass


def test_bundled_families_file_loads():
    rulebook.reload()
    assert {"wordpress", "drupal", "amp", "sample"} <= set(rulebook.families())


def test_every_bundled_habit_names_known_families():
    """Each `[[habit]]` in crawler/extraction/data/*.toml has an id and names families of families.toml."""
    import tomllib

    rulebook.reload()
    families = rulebook.families()
    for family, info in families.items():
        assert info.get("description") and isinstance(info.get("real", False), bool), family
    checked = 0
    for path in sorted(rulebook.DATA_DIR.glob("*.toml")):
        if path.stem == "families":
            continue
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("habit", [])
        ids = [entry.get("id") for entry in entries]
        assert len(ids) == len(set(ids)), f"{path.name}: habit ids repeat"
        for entry in entries:
            assert entry.get("id") and entry.get("seen_on"), (path.name, entry)
            unknown = [f for f in entry["seen_on"] if f not in families]
            assert not unknown, f"{path.name}: habit {entry['id']!r} names unknown families {unknown}"
            checked += 1
        assert len(rulebook.habits(path.stem)) == len(entries)  # the loader agrees
    assert checked == sum(len(rulebook.habits(p.stem)) for p in rulebook.DATA_DIR.glob("*.toml") if p.stem != "families")
