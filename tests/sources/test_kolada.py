"""Kolada: client (paging, retries, chunking, offline), import (genders, missing values, a gap
never erases a stored value, all-or-nothing, idempotence, permissions) and CLI. Saved responses only; the network
is never touched. The Hämta statistik page is tested in tests/pages."""
from __future__ import annotations

import json

import pytest
import requests
from sqlalchemy import select

import cli
from db import crud
from db.engine import session_scope
from db.models import AuditEvent, ComparisonUnit, ComparisonValue, Indicator, Measurement, Meta
from errors import Invalid
from indicators.access.permissions import PermissionDenied
from indicators.reporting import values
from indicators.sources import attribution, kolada_import
from indicators.sources.kolada import KoladaClient, KoladaError, load_pages, parse_pages
from indicators.sources.kolada_import import (
    fetch_and_import, import_files, import_pages, last_fetch_table,
)
from settings import reload_settings
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.demo import DEMO_TODAY
from tests.utils.kolada import FIXTURES, fixture, saved_pages
from indicators.unit_of_work import UnitOfWork

pytestmark = pytest.mark.usefixtures("kolada_env")

BASE = "https://api.kolada.se/v3/"
PAGE2_URL = f"{BASE}data/kpi/N00914/municipality/0583,0000/year/2022,2023?page=2&per_page=2"


def files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / name).read_bytes()) for name in names]


ALL_FILES = ("n00914_page1.json", "n00914_page2.json", "n03926.json")


def fake_api(requested: list[str] | None = None):
    """fetch_json that answers like the API from the saved pages."""
    meta = fixture("kpi_meta.json")

    def fetch_json(url: str) -> dict:
        if requested is not None:
            requested.append(url)
        if url == PAGE2_URL:
            return fixture("n00914_page2.json")
        if url.startswith(f"{BASE}kpi/"):
            return meta.get(url.rsplit("/", 1)[1], {"values": []})
        if url.startswith(f"{BASE}data/kpi/N00914/"):
            return fixture("n00914_page1.json")
        if url.startswith(f"{BASE}data/kpi/N03926/"):
            return fixture("n03926.json")
        if url == f"{BASE}municipality":
            return {"values": [{"id": "0584", "title": "Grannkommun (test)", "type": "K"}]}
        raise AssertionError(f"unexpected URL {url}")
    return fetch_json


class FakeResponse:
    def __init__(self, status: int, body: object = None, text: str | None = None) -> None:
        self.status_code, self._body, self._text = status, body, text

    def json(self):
        if self._text is not None:
            return json.loads(self._text)
        return self._body


class FakeSession:
    """Plays back scripted answers: a FakeResponse or an exception to raise."""
    def __init__(self, *answers) -> None:
        self.answers, self.calls = list(answers), []

    def get(self, url, timeout=None, headers=None):
        assert timeout is not None  # every request has a timeout
        self.calls.append(url)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def table_dump(engine) -> dict:
    with session_scope(engine) as session:
        return {
            model.__name__: sorted(
                (tuple(sorted(row.model_dump().items())) for row in session.execute(select(model)).scalars()), key=repr
            )
            for model in (Measurement, ComparisonValue, ComparisonUnit, AuditEvent, Meta)
        }


def indicator_id(engine, code: str) -> int:
    with session_scope(engine) as session:
        return session.execute(select(Indicator.id).where(Indicator.code == code)).scalar_one()


def measurements(engine, code: str) -> dict[tuple[str, str], Measurement]:
    with session_scope(engine) as session:
        rows = session.execute(select(Measurement).where(Measurement.indicator_id == indicator_id(engine, code))).scalars()
        return {(m.period, m.gender): m for m in rows}


def counts(engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        return tuple(len(session.execute(select(m.id)).all()) for m in (Measurement, ComparisonValue, AuditEvent))


# --- client ----------------------------------------------------------------------------

def test_paging_follows_next_url_until_null():
    requested: list[str] = []
    client = KoladaClient(BASE, fetch_json=fake_api(requested))
    pages = client.data_pages("N00914", ["0583", "0000"], [2023, 2022])
    assert requested == [f"{BASE}data/kpi/N00914/municipality/0583,0000/year/2022,2023", PAGE2_URL]
    assert [len(p["values"]) for p in pages] == [2, 2]


def test_paging_stops_when_next_url_is_absent():
    requested: list[str] = []
    pages = KoladaClient(BASE, fetch_json=fake_api(requested)).data_pages("N03926", ["0583"], [2022])
    assert len(pages) == 1 and len(requested) == 1


def test_thirty_years_are_fetched_in_two_requests():
    requested: list[str] = []
    client = KoladaClient(BASE, fetch_json=lambda url: requested.append(url) or {"values": []})
    client.data_pages("N03926", ["0583"], list(range(1995, 2025)))
    assert len(requested) == 2
    years = [url.rsplit("/", 1)[1].split(",") for url in requested]
    assert [len(y) for y in years] == [25, 5]
    assert years[0][0] == "1995" and years[1][-1] == "2024"


def test_base_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("KOLADA_BASE_URL", "http://kolada.test/v3")
    reload_settings()
    assert KoladaClient().data_urls("N1", ["0583"], [2024]) == ["http://kolada.test/v3/data/kpi/N1/municipality/0583/year/2024"]


def test_server_error_is_retried_with_backoff_then_succeeds():
    slept: list[float] = []
    session = FakeSession(FakeResponse(500), FakeResponse(200, {"values": [], "next_url": None}))
    page = KoladaClient(BASE, session=session, sleep=slept.append).get_json(f"{BASE}municipality")
    assert page == {"values": [], "next_url": None}
    assert len(session.calls) == 2 and slept == [1.0]


def test_persistent_server_error_gives_swedish_error_after_bounded_tries():
    slept: list[float] = []
    session = FakeSession(FakeResponse(500))
    with pytest.raises(KoladaError) as exc:
        KoladaClient(BASE, session=session, sleep=slept.append).get_json(f"{BASE}municipality")
    assert "Kunde inte nå Kolada (api.kolada.se)" in str(exc.value)
    assert "HTTP 500" in str(exc.value) and "--from-file" in str(exc.value)
    assert len(session.calls) == 3 and slept == [1.0, 2.0]


def test_rate_limit_is_retried():
    session = FakeSession(FakeResponse(429), FakeResponse(200, {"values": [{"id": "0583", "title": "Motala"}]}))
    assert KoladaClient(BASE, session=session, sleep=lambda s: None).municipalities() == {"0583": "Motala"}


def test_offline_gives_swedish_error():
    session = FakeSession(requests.ConnectionError("Name or service not known"))
    with pytest.raises(KoladaError, match=r"Kunde inte nå Kolada \(api\.kolada\.se\).*Kontrollera nätverket"):
        KoladaClient(BASE, session=session, sleep=lambda s: None).get_json(f"{BASE}kpi/N00914")
    assert len(session.calls) == 3


def test_invalid_json_from_the_server_is_a_clear_error():
    session = FakeSession(FakeResponse(200, text="<html>underhåll</html>"))
    with pytest.raises(KoladaError, match="inte är giltig JSON"):
        KoladaClient(BASE, session=session).get_json(f"{BASE}kpi/N00914")


def test_unknown_kpi_metadata_is_none():
    assert KoladaClient(BASE, session=FakeSession(FakeResponse(404))).kpi("N00000") is None
    assert KoladaClient(BASE, fetch_json=fake_api()).kpi("N00914")["id"] == "N00914"


def test_parser_keeps_missing_values_and_status_verbatim():
    values = parse_pages([fixture("n00914_page1.json")])
    missing = [v for v in values if v.period == "2023" and v.gender == "T"][0]
    assert missing.value is None and missing.status == "B" and missing.count is None
    assert {v.gender for v in values} == {"T", "K", "M"}


def test_parser_names_malformed_rows():
    page = {"values": [{"kpi": "N00914", "municipality": "0583", "period": "20x2", "values": []}]}
    with pytest.raises(KoladaError, match="sida 1, rad 1"):
        parse_pages([page])


def test_attribution():
    assert attribution("kolada") == "Källa: Kolada"
    assert attribution("Kolada") == "Källa: Kolada"
    assert attribution("own") == ""


# --- import ----------------------------------------------------------------------------

def test_import_writes_own_values_by_gender_and_comparisons(engine):
    report = import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    assert (report.new, report.changed, report.unchanged) == (12, 0, 0)
    assert report.skipped == 4  # ARB04 K/M (not by gender), 0584 and 9999 (not followed)
    arb01 = measurements(engine, "ARB01")
    assert set(arb01) == {("2022", g) for g in "TKM"} | {("2023", g) for g in "TKM"}
    assert arb01[("2022", "T")].value == 78.3 and arb01[("2022", "T")].count_n is None
    assert all(m.source == "kolada" and m.status == "slutlig" for m in arb01.values())
    arb04 = measurements(engine, "ARB04")
    assert set(arb04) == {("2022", "T"), ("2023", "T")}
    with session_scope(engine) as session:
        riket = session.execute(
            select(ComparisonValue).join(ComparisonUnit).where(ComparisonUnit.code == "0000")
        ).scalars().all()
    assert len(riket) == 4 and all(c.fetched_at is not None and c.source == "kolada" for c in riket)


def test_missing_values_stay_missing_with_status_flag(engine):
    import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    missing = measurements(engine, "ARB01")[("2023", "T")]
    assert missing.value is None  # never 0
    assert missing.missing_reason == "saknas i Kolada (status B)"
    with session_scope(engine) as session:
        flagged = session.execute(select(ComparisonValue).where(ComparisonValue.gender == "M")).scalars().one()
    assert flagged.source_status == "X" and flagged.value == 82.0


def test_kolada_gap_never_erases_a_stored_value(engine):
    saved = values.save_values(UnitOfWork(engine), ADMIN, [{"indicator": "ARB01", "period": "2025", "gender": "T", "area": "HELA",
                                        "value": "42", "expected_version": None}], today=DEMO_TODAY)
    assert saved.ok, saved.errors
    page = {"values": [{"kpi": "N00914", "municipality": "0583", "period": 2025,
                        "values": [{"gender": "T", "value": None, "count": None, "status": "Missing"}]}], "next_url": None}
    kolada_import.import_pages(UnitOfWork(engine), ADMIN, [page])
    with session_scope(engine) as session:
        ind = crud.by_code(session, Indicator, "ARB01")
        row = session.execute(select(Measurement).where(Measurement.indicator_id == ind.id,
                                                        Measurement.period == "2025", Measurement.gender == "T")).scalar_one()
    assert row.value == 42.0


def test_audit_names_user_source_and_fetch_time(engine):
    report = import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    with session_scope(engine) as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.entity == "measurement")).scalars().all()
    assert len(events) == 8
    stamp = report.fetched_at.strftime("%Y-%m-%d %H:%M")
    assert all(e.user_email == ADMIN.email and "Kolada" in e.reason and stamp in e.reason for e in events)


def test_reimport_is_idempotent(engine):
    first = import_files(UnitOfWork(engine), ADMIN, files(*ALL_FILES))
    before = table_dump(engine)
    second = import_files(UnitOfWork(engine), ADMIN, files(*ALL_FILES))
    assert first.new == 12
    assert (second.new, second.changed, second.unchanged) == (0, 0, 12)
    assert table_dump(engine) == before  # nothing written, not even an audit event


def test_changed_value_is_updated_versioned_and_audited(engine):
    import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    page = fixture("n03926.json")
    page["values"][0]["values"][2]["value"] = 3.7  # 0583 2022 T
    report = import_pages(UnitOfWork(engine), ADMIN, [page])
    assert (report.new, report.changed) == (0, 1)
    row = measurements(engine, "ARB04")[("2022", "T")]
    assert row.value == 3.7 and row.version == 2
    with session_scope(engine) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.entity == "measurement", AuditEvent.entity_id == str(row.id),
                                    AuditEvent.action == "update")
        ).scalars().one()
    assert (event.old, event.new, event.field) == ("3,9", "3,7", "value")


def test_manual_value_is_replaced_but_audited(engine):
    with session_scope(engine, write=True) as session:
        from db.models import Area
        total = session.execute(select(Area).where(Area.is_total)).scalars().one()
        session.add(Measurement(indicator_id=indicator_id(engine, "ARB04"), period="2022", gender="T",
                                area_id=total.id, value=5.0, source="manuell", comment="inmatat för hand"))
    report = import_pages(UnitOfWork(engine), ADMIN, [fixture("n03926.json")])
    assert report.manual_replaced == 1 and report.changed == 1
    row = measurements(engine, "ARB04")[("2022", "T")]
    assert row.value == 3.9 and row.source == "kolada" and row.version == 2
    assert row.comment == "inmatat för hand"  # a hand-written note stays
    with session_scope(engine) as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.entity == "measurement", AuditEvent.entity_id == str(row.id),
                                    AuditEvent.field == "value")
        ).scalars().one()
    assert (event.old, event.new) == ("5", "3,9") and "ersätter manuellt" in event.reason


def test_locked_period_is_not_changed_by_kolada(engine):
    from db.models import PeriodLock
    import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    with session_scope(engine, write=True) as session:
        session.add(PeriodLock(period="2022", locked_by=ADMIN.email, reason="årsuppföljning"))
    page = fixture("n03926.json")
    page["values"][0]["values"][2]["value"] = 3.7  # 2022: locked
    page["values"][1]["values"][0]["value"] = 4.0  # 2023: open
    before = table_dump(engine)
    with pytest.raises(Invalid) as refused:  # refused whole, the locked row named, like any rule break
        import_pages(UnitOfWork(engine), ADMIN, [page])
    assert [(p.label, p.field, p.message) for p in refused.value.problems] == [
        ("sida 1, rad 1 (N03926 2022 Totalt, kommun 0583)", "period", "ARB04: perioden 2022 är låst; lås upp perioden först")]
    assert table_dump(engine) == before
    report = import_pages(UnitOfWork(engine), ADMIN, [page], skip_invalid=True)  # the admin's explicit choice
    assert (report.changed, report.rule_skipped) == (1, 1)
    rows = measurements(engine, "ARB04")
    assert rows[("2022", "T")].value == 3.9 and rows[("2023", "T")].value == 4.0
    again = import_pages(UnitOfWork(engine), ADMIN, [fixture("n03926.json")])  # unchanged locked values pass
    assert again.rule_skipped == 0


def test_values_a_board_approval_locked_are_not_changed_by_kolada(engine):
    from datetime import date as day

    from db.models import BoardSubmission, Indicator, ReportingRound
    import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    with session_scope(engine, write=True) as session:
        owner = session.execute(select(Indicator.responsible_org_id).where(Indicator.code == "ARB04")).scalar_one()
        round_row = ReportingRound(period="2023Q1", due_date=day(2023, 4, 30), opened_by=ADMIN.email)
        session.add(round_row)
        session.flush()  # the yearly ARB04 reports 2022 in the round of 2023 kv 1
        session.add(BoardSubmission(round_id=round_row.id, organisation_id=owner, state="approved"))
    page = fixture("n03926.json")
    page["values"][0]["values"][2]["value"] = 3.7  # 2022: approved by the board
    page["values"][1]["values"][0]["value"] = 4.0  # 2023: open
    with pytest.raises(Invalid, match="1 rader") as refused:
        import_pages(UnitOfWork(engine), ADMIN, [page])
    assert "2022 är godkänd i rapportomgången och låst" in refused.value.problems[0].message
    report = import_pages(UnitOfWork(engine), ADMIN, [page], skip_invalid=True)
    assert (report.changed, report.rule_skipped) == (1, 1)
    rows = measurements(engine, "ARB04")
    assert rows[("2022", "T")].value == 3.9 and rows[("2023", "T")].value == 4.0


def test_unknown_kpi_is_an_error_and_nothing_is_written(engine):
    before = table_dump(engine)
    with pytest.raises(KoladaError, match="okänt KPI-id: N99999"):
        import_files(UnitOfWork(engine), ADMIN, files("unknown_kpi.json"))
    assert table_dump(engine) == before


def test_malformed_json_is_an_error_and_nothing_is_written(engine):
    before = table_dump(engine)
    with pytest.raises(KoladaError, match="malformed.json är inte giltig JSON"):
        import_files(UnitOfWork(engine), ADMIN, files("n03926.json", "malformed.json"))
    assert table_dump(engine) == before


def test_wrong_shape_is_an_error():
    with pytest.raises(KoladaError, match="values"):
        load_pages(json.dumps({"data": []}), "svar.json")
    assert len(load_pages(json.dumps(saved_pages()))) == 3  # a list of pages is accepted


@pytest.mark.parametrize("actor", [VIEWER, official(1)], ids=["viewer", "official"])
def test_only_admin_may_import(engine, actor):
    before = counts(engine)
    with pytest.raises(PermissionDenied, match="hämta officiell statistik"):
        import_pages(UnitOfWork(engine), actor, saved_pages())
    with pytest.raises(PermissionDenied):
        fetch_and_import(UnitOfWork(engine), actor, ["N00914"], client=KoladaClient(BASE, fetch_json=fake_api()))
    after = counts(engine)
    assert after[:2] == before[:2]
    with session_scope(engine) as session:
        refused = session.execute(select(AuditEvent).where(AuditEvent.action == "refused")).scalars().all()
    assert len(refused) == 2 and refused[0].user_email == actor.email


def test_configured_comparison_municipality_is_created_and_imported(engine, monkeypatch):
    monkeypatch.setenv("KOLADA_COMPARE", "0000,0584")
    reload_settings()
    report = import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    assert report.new == 13
    with session_scope(engine) as session:
        unit = session.execute(select(ComparisonUnit).where(ComparisonUnit.code == "0584")).scalars().one()
        values = session.execute(select(ComparisonValue).where(ComparisonValue.unit_id == unit.id)).scalars().all()
    assert [v.value for v in values] == [79.9]


def test_fetch_and_import_online_with_injected_http(engine, monkeypatch):
    monkeypatch.setenv("KOLADA_COMPARE", "0000,0584")
    reload_settings()
    requested: list[str] = []
    client = KoladaClient(BASE, fetch_json=fake_api(requested))
    progress: list[tuple[int, int, str]] = []
    report, fetched = fetch_and_import(UnitOfWork(engine), ADMIN, ["N00914", "N03926"], client=client, years=[2022, 2023], on_progress=lambda *a: progress.append(a))
    assert report.new == 13 and progress == [(1, 2, "N00914"), (2, 2, "N03926")]
    assert f"{BASE}data/kpi/N03926/municipality/0583,0000,0584/year/2022,2023" in requested
    assert "syntetisk" in report.titles["N00914"]
    with session_scope(engine) as session:
        unit = session.execute(select(ComparisonUnit).where(ComparisonUnit.code == "0584")).scalars().one()
    assert unit.name == "Grannkommun (test)"  # named from Kolada's municipality list


def test_fetch_offline_writes_nothing(engine):
    before = table_dump(engine)
    client = KoladaClient(BASE, session=FakeSession(requests.ConnectionError("offline")), sleep=lambda s: None)
    with pytest.raises(KoladaError, match="Kunde inte nå Kolada"):
        fetch_and_import(UnitOfWork(engine), ADMIN, ["N00914"], client=client, years=[2022])
    assert table_dump(engine) == before


def test_fetch_refuses_kpi_without_indicator(engine):
    with pytest.raises(KoladaError, match="okänt KPI-id: N99999"):
        fetch_and_import(UnitOfWork(engine), ADMIN, ["N99999"], client=KoladaClient(BASE, fetch_json=fake_api()))


def test_last_fetch_table(engine):
    report = import_pages(UnitOfWork(engine), ADMIN, saved_pages())
    table = last_fetch_table(UnitOfWork(engine)).set_index("kod")
    assert table.loc["ARB01", "senast_hamtat"] == report.fetched_at.strftime("%Y-%m-%d %H:%M") + " UTC"
    assert table.loc["UTB01", "senast_hamtat"] == "–"
    assert table.loc["ARB01", "kpi_id"] == "N00914"


# --- CLI -------------------------------------------------------------------------------

def test_cli_imports_saved_files_and_reports_counts(engine, capsys):
    args = ["kolada"] + [a for name in ALL_FILES for a in ("--from-file", str(FIXTURES / name))]
    assert cli.main(args) == 0
    assert "12 nya, 0 ändrade, 0 oförändrade" in capsys.readouterr().out
    assert cli.main(args) == 0
    assert "0 nya, 0 ändrade, 12 oförändrade" in capsys.readouterr().out


def test_cli_error_exits_1_with_swedish_message(engine, capsys):
    assert cli.main(["kolada", "--from-file", str(FIXTURES / "malformed.json")]) == 1
    assert "Fel: " in capsys.readouterr().err
    assert counts(engine)[0] == 0


def test_cli_fetch_offline_exits_1(engine, capsys, monkeypatch):
    monkeypatch.setenv("KOLADA_BASE_URL", "https://kolada.test/v3/")
    reload_settings()
    monkeypatch.setattr("indicators.sources.kolada.BACKOFF_SECONDS", 0.0)
    monkeypatch.setattr("indicators.sources.kolada.requests.Session",
                        lambda: FakeSession(requests.ConnectionError("Name or service not known")))
    assert cli.main(["kolada", "--fetch", "--kpi", "N00914"]) == 1
    assert "Kunde inte nå Kolada (kolada.test)" in capsys.readouterr().err
