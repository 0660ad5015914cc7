"""tests/schedule.toml, how `make test` hands the suite to its workers, names only real tests and splits
only files whose tests can run apart."""
from __future__ import annotations

import re

from tests.conftest import ROOT, SCHEDULE, schedule_rank

WIDE_FIXTURE = re.compile(r"""@pytest\.fixture\(.*scope=["'](module|package|class)["']""")


def test_split_files_exist_and_have_no_module_scoped_fixture():
    for path in SCHEDULE["split"]:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert not WIDE_FIXTURE.search(source), f"{path} builds a module-scoped fixture: one group per test would rebuild it"


def test_every_first_prefix_names_an_existing_file_and_test():
    for prefix in SCHEDULE["first"]:
        path, _, test = prefix.partition("::")
        source = (ROOT / path).read_text(encoding="utf-8")
        name = test.split("[")[0]
        assert not name or re.search(rf"^def {re.escape(name)}", source, re.M), f"no test {name!r} in {path}"
        if "[" in test:  # a parameter prefix: the value must be one of the file's parameters
            assert test.split("[", 1)[1] in source, prefix


def test_the_slowest_start_first_and_the_rest_keep_their_place():
    first = SCHEDULE["first"]
    assert schedule_rank(first[0] + "_and_more") == 0
    assert schedule_rank("tests/text/test_neardup.py::test_x") == len(first)
