"""The corpus of hostile and awkward files (tests/fixtures/import, tests/utils/hostile.py):
each is refused with its message (naming row and field where there is one) and the
database unchanged, or stored with the value the official saw; on both backends."""
from __future__ import annotations

import pytest

from indicators.reporting import file_import
from indicators.unit_of_work import UnitOfWork
from tests.reporting.test_file_import import T, all_errors, data_version, non_refusal_audits
from tests.utils.actors import official
from tests.utils.hostile import corpus, expected
from tests.utils.measurements import dump, org_id, stored

CASES = corpus()


def test_every_file_of_the_corpus_has_an_expected_outcome():
    assert sorted(name for name, _ in CASES) == sorted(expected())


@pytest.mark.parametrize("name,data", CASES, ids=[name for name, _ in CASES])
def test_corpus_file_is_refused_or_stored_as_expected(demo_engine, name, data):
    sn = official(org_id(demo_engine, "SN"))
    want = expected()[name]
    before, audits, version = dump(demo_engine), non_refusal_audits(demo_engine), data_version(demo_engine)
    prepared, result = file_import.import_file(UnitOfWork(demo_engine), sn, name, data, today=T)
    if "refused" in want:
        assert not prepared.ok and want["refused"] in all_errors(prepared, result)
        assert dump(demo_engine) == before and non_refusal_audits(demo_engine) == audits
        assert data_version(demo_engine) == version
        return
    assert prepared.ok and result.ok, all_errors(prepared, result)
    code, period, value = want["stored"]
    assert stored(demo_engine, code, period).value == value
    assert prepared.read.sheet == want["sheet"]
