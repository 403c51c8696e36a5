"""Regressions found in review: deleted catalogue rows, Kolada gaps, year locks, inactive
owners, measurement years and Markdown in catalogue text."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bootstrap import initialise
from db import crud
from db.engine import session_scope
from db.models import Indicator, Measurement, Organisation
from indicators.catalogue import admin
from indicators.views import matrices
from indicators.reporting import values
from indicators.sources import kolada_import
from tests.utils.actors import ADMIN, official
from tests.utils.apptest import logged_in_app
from tests.utils.demo import DEMO_TODAY


def indicator_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Indicator)).scalar_one()


def test_deleted_catalogue_row_stays_deleted_after_restart(engine):
    with session_scope(engine) as session:
        ind_id = crud.by_code(session, Indicator, "ARB01").id
    before = indicator_count(engine)
    admin.delete_indicator(ADMIN, ind_id, engine=engine)
    initialise(engine)
    assert indicator_count(engine) == before - 1


def test_kolada_gap_never_erases_a_stored_value(engine):
    saved = values.save_values(ADMIN, [{"indicator": "ARB01", "period": "2025", "gender": "T", "area": "HELA",
                                        "value": "42", "expected_version": None}], engine=engine, today=DEMO_TODAY)
    assert saved.ok, saved.errors
    page = {"values": [{"kpi": "N00914", "municipality": "0583", "period": 2025,
                        "values": [{"gender": "T", "value": None, "count": None, "status": "Missing"}]}], "next_url": None}
    kolada_import.import_pages(ADMIN, [page], engine=engine)
    with session_scope(engine) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        row = session.execute(select(Measurement).where(Measurement.indicator_id == ind.id,
                                                        Measurement.period == "2025", Measurement.gender == "T")).scalar_one()
    assert row.value == 42.0


def test_locking_a_year_locks_its_quarters(demo_engine):
    with session_scope(demo_engine) as session:
        sn = crud.by_code(session, Organisation, "SN").id
    values.lock_period(ADMIN, "2025", "årsuppföljningen är klar", engine=demo_engine)
    result = values.save_values(official(sn), [{"indicator": "ARB05", "period": "2025Q2", "gender": "T", "area": "HELA",
                                                "value": "30", "comment": "rättelse", "expected_version": values.OVERWRITE}],
                                engine=demo_engine, today=DEMO_TODAY)
    assert [e.kind for e in result.errors] == [values.LOCKED]


def test_values_only_in_measurement_years(demo_engine):
    result = values.save_values(ADMIN, [{"indicator": "DEM01", "period": "2025", "gender": "T", "area": "HELA",
                                         "value": "85", "expected_version": None}], engine=demo_engine, today=DEMO_TODAY)
    assert result.errors and "inget mätår" in result.errors[0].message


def test_inactive_organisation_that_still_owns_indicators_stays_on_ansvar(demo_engine):
    with session_scope(demo_engine) as session:
        bn = crud.by_code(session, Organisation, "BN")
        admin.edit_organisation(ADMIN, bn.id, name=bn.name, kind=bn.kind, active=False, engine=demo_engine)
    table = matrices.responsibility(demo_engine, today=DEMO_TODAY)
    assert "BN" in set(table["missing_summary"]["org_code"])


PAYLOAD = "Syss ![x](https://exempel.invalid/p.png) **FET**"


def test_catalogue_text_is_escaped_in_headers(demo_engine):
    from indicators.access import users
    users.create_user(ADMIN, "viewer@exempel.invalid", "viewer", engine=demo_engine)
    with session_scope(demo_engine, write=True) as session:
        crud.by_code(session, Indicator, "ARB01").name = PAYLOAD
    at = logged_in_app("viewer").run()
    at.query_params["indikator"] = "ARB01"
    at.switch_page("pages/indikatorer.py").run()
    assert not at.exception
    headers = [h.value for h in at.header]
    assert any("ARB01" in h and "FET" in h for h in headers)
    assert not any("![x](" in h for h in headers)


def test_a_jump_needs_a_comment_written_with_the_new_value(demo_engine):
    """The old comment explains the old value: a big change needs its own explanation."""
    def save(value: str, comment):
        return values.save_values(ADMIN, [{"indicator": "BOS04", "period": "2026Q3", "gender": "T", "area": "HELA",
                                           "value": value, "comment": comment, "expected_version": values.OVERWRITE}],
                                  engine=demo_engine, today=DEMO_TODAY)

    assert save("900", "ordinarie uppföljning").ok
    refused = save("5000", None)  # keeps the stored comment
    assert [e.kind for e in refused.errors] == [values.JUMP]
    accepted = save("5000", "nytt verksamhetssystem räknar alla hushåll")
    assert accepted.ok and [w.kind for w in accepted.warnings] == [values.JUMP]
