"""What is public: publishing a frozen årsuppföljning, withdrawing it (the record stays), and
the public site of each published year, always built from the frozen snapshot, never from
live data. The app serves it at /publicerat/<år>/ without sign-in; nothing else is public.
"""
from __future__ import annotations

import mimetypes
from typing import Optional

import pandas as pd
from sqlalchemy import select

from db import crud
from db.models import Publication, utcnow
from errors import Invalid, NotFound
from indicators.access.permissions import Actor, require
from indicators.annual import publication, snapshot
from indicators.unit_of_work import UnitOfWork

PUBLIC_PREFIX = "/publicerat/"


def publish(uow: UnitOfWork, actor: Actor, snapshot_id: int) -> int:
    """Make this frozen årsuppföljning the public one for its year (replacing an earlier one)."""
    with uow.write() as session:
        require(uow, actor, "publish_followup", entity="publication", entity_id=snapshot_id)
        frozen = snapshot.verify(uow, snapshot_id)  # exists and unchanged: a tampered one is never published
        year, sha = int(frozen.year), frozen.sha256
        for current in _active(session, year):
            _withdraw(session, actor, current, f"ersatt av årsuppföljning nr {snapshot_id}")
        row = Publication(year=year, snapshot_id=snapshot_id, published_by=actor.email)
        session.add(row)
        session.flush()
        crud.add_audit(session, user_email=actor.email, action="publish", entity="publication", entity_id=row.id,
                       field="sha256", new=sha, reason=f"Årsuppföljning {year} publicerad")
        return row.id


def withdraw(uow: UnitOfWork, actor: Actor, year: int, reason: str) -> None:
    """Take the year off the public site; the publication record and its audit stay."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Ange ett skäl för att dra tillbaka publiceringen.")
    with uow.write() as session:
        require(uow, actor, "publish_followup", entity="publication", entity_id=year)
        active = _active(session, year)
        if not active:
            raise NotFound(f"Årsuppföljning {year} är inte publicerad.")
        for row in active:
            _withdraw(session, actor, row, reason)


def _active(session, year: int) -> list[Publication]:
    stmt = select(Publication).where(Publication.year == year, Publication.withdrawn_at.is_(None))
    return list(session.execute(stmt).scalars())


def _withdraw(session, actor: Actor, row: Publication, reason: str) -> None:
    row.withdrawn_at, row.withdrawn_by, row.withdrawn_reason = utcnow(), actor.email, reason
    crud.add_audit(session, user_email=actor.email, action="withdraw", entity="publication", entity_id=row.id,
                   reason=reason)


def publications(uow: UnitOfWork) -> pd.DataFrame:
    """Every publication, newest first, withdrawn ones included (the record is kept)."""
    with uow.read() as session:
        rows = session.execute(select(Publication).order_by(Publication.id.desc())).scalars().all()
        return pd.DataFrame([r.model_dump() for r in rows],
                            columns=["id", "year", "snapshot_id", "published_by", "published_at", "withdrawn_by",
                                     "withdrawn_at", "withdrawn_reason"])


def published_snapshots(uow: UnitOfWork) -> dict[int, int]:
    """Year → snapshot id of what is public now."""
    with uow.read() as session:
        stmt = select(Publication.year, Publication.snapshot_id).where(Publication.withdrawn_at.is_(None))
        return dict(session.execute(stmt).all())


def public_file(uow: UnitOfWork, year: int, path: str) -> Optional[tuple[bytes, str]]:
    """(bytes, media type) of one file of a published year; None for anything not published."""
    snapshot_id = published_snapshots(uow).get(year)
    if snapshot_id is None:
        return None
    site = _site(uow, snapshot_id)
    data = site.get(path or "index.html")
    if data is None:
        return None
    media = mimetypes.guess_type(path or "index.html")[0] or "application/octet-stream"
    return data, media + ("; charset=utf-8" if media.startswith("text/") or media.endswith("json") else "")


def public_index(uow: UnitOfWork) -> bytes:
    """The page at /publicerat/: the published years, newest first."""
    years = sorted(published_snapshots(uow), reverse=True)
    return publication.render_index(years)


# A snapshot never changes once written, so its site is built once per process.
_BUILT: dict[int, dict[str, bytes]] = {}


def _site(uow: UnitOfWork, snapshot_id: int) -> dict[str, bytes]:
    if snapshot_id not in _BUILT:
        _BUILT[snapshot_id] = publication.build_site(*snapshot.frozen_material(uow, snapshot_id))
    return _BUILT[snapshot_id]
