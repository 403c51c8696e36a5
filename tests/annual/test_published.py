"""Publishing: only what an admin published is public, withdrawing keeps the record, both audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from errors import Invalid, NotFound
from indicators.access.permissions import PermissionDenied
from indicators.annual import published, snapshot
from indicators.unit_of_work import UnitOfWork
from tests.utils.actors import ADMIN, VIEWER, official
from tests.utils.demo import FOLLOW_UP_YEAR as YEAR


@pytest.fixture
def frozen(demo_engine) -> int:
    snapshot_id, _sha, _files = snapshot.create_snapshot(UnitOfWork(demo_engine), ADMIN, YEAR,
                                                         snapshot_date=date(2026, 2, 1))
    return snapshot_id


def _audit_actions(engine) -> list[str]:
    with UnitOfWork(engine).read() as session:
        return list(session.execute(select(AuditEvent.action).where(AuditEvent.entity == "publication")).scalars())


def test_nothing_is_public_until_an_admin_publishes(demo_engine, frozen):
    uow = UnitOfWork(demo_engine)
    assert published.public_file(uow, YEAR, "index.html") is None
    assert b"Ingen \xc3\xa5rsuppf\xc3\xb6ljning \xc3\xa4r publicerad" in published.public_index(uow)
    published.publish(uow, ADMIN, frozen)
    page, media = published.public_file(uow, YEAR, "index.html")
    assert media == "text/html; charset=utf-8" and b'lang="sv"' in page
    assert published.public_file(uow, YEAR, "indikatorer/ARB01.html") is not None
    assert published.public_file(uow, YEAR - 1, "index.html") is None  # another year: not published
    assert published.public_file(uow, YEAR, "../../data/uppfoljning.db") is None  # only the site's own files
    assert f'href="{YEAR}/index.html"'.encode() in published.public_index(uow)
    assert _audit_actions(demo_engine) == ["publish"]


def test_withdrawing_keeps_the_record_and_needs_a_reason(demo_engine, frozen):
    uow = UnitOfWork(demo_engine)
    published.publish(uow, ADMIN, frozen)
    with pytest.raises(Invalid, match="skäl"):
        published.withdraw(uow, ADMIN, YEAR, "  ")
    published.withdraw(uow, ADMIN, YEAR, "Fel i underlaget")
    assert published.public_file(uow, YEAR, "index.html") is None
    rows = published.publications(uow)
    assert len(rows) == 1 and rows.iloc[0]["withdrawn_reason"] == "Fel i underlaget"
    with pytest.raises(NotFound):
        published.withdraw(uow, ADMIN, YEAR, "igen")
    assert _audit_actions(demo_engine) == ["publish", "withdraw"]


@pytest.mark.parametrize("actor", [VIEWER, official(1)], ids=["viewer", "official"])
def test_only_admin_may_publish(demo_engine, frozen, actor):
    with pytest.raises(PermissionDenied):
        published.publish(UnitOfWork(demo_engine), actor, frozen)
    assert published.published_snapshots(UnitOfWork(demo_engine)) == {}
