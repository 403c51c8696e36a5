"""AppTest: Årsuppföljning creates a snapshot and shows its hash; the page guards itself."""
from __future__ import annotations

from datetime import timezone

from indicators.annual import snapshot
from tests.utils.actors import ADMIN
from tests.utils.apptest import all_text, logged_in_app
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR
from indicators.unit_of_work import UnitOfWork


def _app_as(role: str, engine):
    from indicators.access.users import create_user
    create_user(UnitOfWork(engine), ADMIN, f"{role}@exempel.invalid", role, password="ett-langt-losenord")
    return logged_in_app(role)


def test_admin_page_creates_a_snapshot_and_shows_its_hash(demo_engine):
    at = _app_as("admin", demo_engine)
    at.run()
    at.switch_page("pages/arsuppfoljning.py").run()
    assert not at.exception
    at.number_input[0].set_value(YEAR)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    sha = snapshot.list_snapshots(UnitOfWork(demo_engine)).iloc[0]["sha256"]
    assert sha in [c.value for c in at.code]
    assert "Jämför med nuläget" in all_text(at)
    assert len(at.dataframe) >= 1


def test_the_year_just_created_is_chosen_and_its_hash_stays_visible(demo_engine):
    at = _app_as("admin", demo_engine)
    at.run()
    at.switch_page("pages/arsuppfoljning.py").run()
    at.number_input[0].set_value(YEAR)
    at.button[0].click().run()
    at.number_input[0].set_value(YEAR - 1)
    at.button[0].click().run()
    assert not at.exception
    newest = snapshot.list_snapshots(UnitOfWork(demo_engine)).set_index("year").loc[YEAR - 1]
    assert at.selectbox(key="arsuppfoljning_vald").value == int(newest["id"])  # its files are the ones offered
    snapshot_buttons = [b for b in at.get("download_button") if b.proto.id and "dl_" in b.proto.id]
    assert snapshot_buttons and all(f"dl_{int(newest['id'])}_" in b.proto.id for b in snapshot_buttons)
    at.run()  # any later rerun (a download is one) keeps the hash in view
    assert newest["sha256"] in [c.value for c in at.code]


def test_admin_publishes_and_withdraws_the_chosen_year(demo_engine):
    from indicators.annual import published

    at = _app_as("admin", demo_engine)
    at.run()
    at.switch_page("pages/arsuppfoljning.py").run()
    at.number_input[0].set_value(YEAR)
    at.button[0].click().run()
    next(b for b in at.button if b.label == f"Publicera årsuppföljning {YEAR}").click().run()
    assert not at.exception and not at.error
    assert YEAR in published.published_snapshots(UnitOfWork(demo_engine))
    assert any(f"/publicerat/{YEAR}/" in s.value for s in at.success)
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("withdraw_reason_"))).input("Fel")
    next(b for b in at.button if b.label == "Dra tillbaka publiceringen").click().run()
    assert not at.exception and not at.error
    assert published.published_snapshots(UnitOfWork(demo_engine)) == {}


def test_page_itself_refuses_a_viewer(demo_engine):
    """The navigation hides the page from viewers; the page also guards itself."""
    from datetime import datetime as dt
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from indicators.access.users import actor_for_email, create_user

    create_user(UnitOfWork(demo_engine), ADMIN, "viewer@exempel.invalid", "viewer", password="ett-langt-losenord")
    page = Path(__file__).resolve().parents[2] / "pages" / "arsuppfoljning.py"
    at = AppTest.from_file(str(page), default_timeout=60)
    at.session_state["actor"] = actor_for_email(UnitOfWork.for_app(), "viewer@exempel.invalid")
    at.session_state["logged_in_at"] = dt.now(timezone.utc)
    at.run()
    assert not at.exception
    assert "Ingen behörighet" in " ".join(e.value for e in at.error)
    assert not at.number_input and not at.button


def test_a_changed_snapshot_is_not_served_and_the_page_says_so(demo_engine):
    from datetime import date

    from tests.annual.test_integrity import _tamper

    snapshot_id, _sha, _names = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR,
                                                         snapshot_date=date(YEAR + 1, 2, 15))
    _tamper(demo_engine, "snapshot", "UPDATE snapshot SET content_json = content_json || ' ' WHERE id = :id",
            id=snapshot_id)
    at = _app_as("admin", demo_engine)
    at.run()
    at.switch_page("pages/arsuppfoljning.py").run()
    assert not at.exception
    assert any("har ändrats i databasen" in e.value for e in at.error)
    assert "Jämför med nuläget" not in all_text(at)
    assert not [b for b in at.get("download_button") if b.label.startswith("Ladda ner")]
