"""Årsuppföljning: the frozen store of a year's follow-up and its rendered files.

The content is plain data (no wall-clock time except the snapshot's own ``year`` and
``snapshot_date``), serialised as canonical JSON and hashed with SHA-256, so the same data
and the same date always give the same bytes and the same hash. The rendered files (JSON,
CSV in the long format, XLSX, PDF) are stored beside it and never updated: a later
correction of a value changes today's dashboards, not a delivered annual follow-up.
"""
from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

import pandas as pd
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import crud, queries
from db.models import Snapshot, SnapshotFile
from errors import NotFound, Problem, Refused
from indicators.annual import print_version, xlsx_report
from indicators.annual.content_builder import build_content, canonical_json, content_hash, published_values, read_all
from indicators.annual.raw_data import csv_bytes
from indicators.access import permissions
from indicators.rules.periods import sort_key
from indicators.rules.vocabulary import GENDER_ORDER
from indicators.unit_of_work import UnitOfWork

CHANGE_COLUMNS = ["indikator", "period", "kön", "område", "värde i årsuppföljningen", "värde nu", "ändring"]


class FrozenSnapshotError(Refused):
    """A stored annual follow-up was about to be changed or deleted."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_snapshots(session: Session, _flush_context, _instances) -> None:
    """Snapshots and their files are written once and never updated or deleted."""
    frozen = (Snapshot, SnapshotFile)
    changed = [o for o in session.dirty if isinstance(o, frozen) and session.is_modified(o)]
    deleted = [o for o in session.deleted if isinstance(o, frozen)]
    if changed or deleted:
        raise FrozenSnapshotError("En årsuppföljning ändras aldrig i efterhand; skapa en ny i stället.")


class TamperedSnapshotError(Refused):
    """Stored content no longer matches its hash: it is not served."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _problem(snapshot_id: int, field: str, message: str) -> Problem:
    return Problem(-1, f"Årsuppföljning {snapshot_id}", field, message)


def _check(snapshot_id: int, problems: list[Problem]) -> None:
    if problems:
        raise TamperedSnapshotError(
            f"Årsuppföljning {snapshot_id} har ändrats i databasen efter att den sparades och visas inte: "
            "innehållet stämmer inte med kontrollsumman.", problems)


def _problems(session: Session, row: Snapshot) -> list[Problem]:
    """Every stored piece of one snapshot whose bytes do not match the hash taken when it was saved."""
    problems = []
    if _sha(row.content_json.encode("utf-8")) != row.sha256:
        problems.append(_problem(row.id, "innehåll", f"stämmer inte med kontrollsumman {row.sha256}"))
    files = session.execute(select(SnapshotFile).where(SnapshotFile.snapshot_id == row.id)
                            .order_by(SnapshotFile.id)).scalars()
    for file in files:
        if file.sha256 is None or _sha(bytes(file.content)) != file.sha256:
            problems.append(_problem(row.id, file.filename, "stämmer inte med sin kontrollsumma"))
    return problems


def verify_all(uow: UnitOfWork) -> dict[int, list[Problem]]:
    """`cli.py verify`: every snapshot checked; {snapshot id: problems} for those that fail."""
    with uow.read() as session:
        rows = session.execute(select(Snapshot).order_by(Snapshot.id)).scalars().all()
        return {row.id: found for row in rows if (found := _problems(session, row))}


def count(uow: UnitOfWork) -> int:
    with uow.read() as session:
        return session.execute(select(func.count()).select_from(Snapshot)).scalar_one()


def _verified(session: Session, snapshot_id: int) -> Snapshot:
    """The snapshot row, or a refusal (TamperedSnapshotError) when it or any file was changed."""
    row = queries.snapshot(session, snapshot_id)
    if row is None:
        raise NotFound(f"Årsuppföljning {snapshot_id} finns inte")
    _check(snapshot_id, _problems(session, row))
    return row


def verify(uow: UnitOfWork, snapshot_id: int) -> Snapshot:
    """The stored snapshot row; refuses (TamperedSnapshotError) when it or any file was changed."""
    with uow.read() as session:
        return _verified(session, snapshot_id)


def file_names(year: int, snapshot_date: str) -> dict[str, str]:
    stem = f"arsuppfoljning-{year}-{snapshot_date}"
    return {"json": f"{stem}.json", "csv": f"{stem}-radata.csv", "xlsx": f"{stem}.xlsx", "pdf": f"{stem}.pdf"}


def render_files(content: dict, data: bytes, sha256: str, with_pdf: bool = True) -> dict[str, bytes]:
    """The snapshot's files (``data``: the canonical JSON, ``sha256``: its hash);
    ``with_pdf=False`` leaves the print version out (the benchmark times it apart).

    The print PDF's Python part is done first (its page tree is gone before the other files
    are built), then Typst lays it out in its own process while this thread writes the CSV and
    the workbook: on two cores most of the PDF's time is hidden behind the other files."""
    names = file_names(content["year"], content["snapshot_date"])
    job = print_version.job(content, sha256, content_sha256=sha256) if with_pdf else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="utskrift") as pool:
        pdf = pool.submit(job.pdf) if job is not None else None
        files = {
            names["json"]: data,  # exactly the hashed bytes: sha256sum of the file gives the hash
            names["csv"]: csv_bytes(content),
            names["xlsx"]: xlsx_report.render(content, sha256),
        }
        if pdf is not None:
            files[names["pdf"]] = pdf.result()
    return files


# --- creating and reading snapshots ---------------------------------------------------

@dataclass(frozen=True)
class SnapshotResult:
    id: int
    sha256: str
    files: list[str]
    created: bool  # False when an identical snapshot already existed


def create_snapshot(uow: UnitOfWork, actor: permissions.Actor, year: int, snapshot_date: Optional[date] = None,
                    out_dir: Optional[Path] = None) -> tuple[int, str, list[str]]:
    """Freeze the year: store content, hash and files in one transaction; returns
    (snapshot id, sha256, file names). An identical snapshot is returned, not duplicated."""
    permissions.require(uow, actor, "create_snapshot", entity="snapshot")
    result = _create(uow, actor, year, snapshot_date or date.today())
    if out_dir is not None:
        write_files(uow, result.id, Path(out_dir))
    return result.id, result.sha256, result.files


def _create(uow: UnitOfWork, actor: permissions.Actor, year: int, snapshot_date: date) -> SnapshotResult:
    content = build_content(uow, year, snapshot_date)
    data = canonical_json(content)
    sha = content_hash(data)
    existing = _existing(uow, sha)
    if existing:
        return existing
    files = render_files(content, data, sha)
    try:
        with uow.write() as session:
            if (found := queries.snapshot_by_hash(session, sha)) is not None:
                return SnapshotResult(found.id, sha, queries.snapshot_file_names(session, found.id), False)
            row = Snapshot(year=year, snapshot_date=snapshot_date, sha256=sha, content_json=data.decode("utf-8"),
                           created_by=actor.email)
            session.add(row)
            session.flush()
            session.add_all([SnapshotFile(snapshot_id=row.id, filename=n, content=b, sha256=_sha(b))
                             for n, b in files.items()])
            crud.add_audit(session, user_email=actor.email, action="create", entity="snapshot", entity_id=row.id,
                           field="sha256", new=sha, reason=f"Årsuppföljning {year} per {snapshot_date.isoformat()}")
            snapshot_id = row.id
    except IntegrityError:
        existing = _existing(uow, sha)  # a concurrent identical snapshot won the race
        if existing:
            return existing
        raise
    return SnapshotResult(snapshot_id, sha, list(files), True)


def _existing(uow: UnitOfWork, sha: str) -> Optional[SnapshotResult]:
    with uow.read() as session:
        row = queries.snapshot_by_hash(session, sha)
        if row is None:
            return None
        return SnapshotResult(row.id, row.sha256, queries.snapshot_file_names(session, row.id), False)


def list_snapshots(uow: UnitOfWork) -> pd.DataFrame:
    """Newest year first: id, year, snapshot_date, sha256, created_by, created_at, files."""
    with uow.read() as session:
        df = queries.snapshots(session)
        df["files"] = [queries.snapshot_file_names(session, int(i)) for i in df["id"]]
    return df


def newest_of_year(uow: UnitOfWork, year: int) -> int:
    """The id of the newest snapshot of the year (a later snapshot supersedes an earlier one)."""
    frame = list_snapshots(uow)
    chosen = frame[frame["year"] == year]
    if chosen.empty:
        raise NotFound(f"Det finns ingen årsuppföljning för {year}; skapa den först (Årsuppföljning eller cli.py snapshot).")
    return int(chosen["id"].max())


def frozen_material(uow: UnitOfWork, snapshot_id: int) -> tuple[dict, dict[str, bytes], str]:
    """Content, files and hash of one snapshot, verified once: everything a publication is built from."""
    with uow.read() as session:
        row = _verified(session, snapshot_id)
        stmt = select(SnapshotFile.filename, SnapshotFile.content).where(SnapshotFile.snapshot_id == snapshot_id)
        files = {name: bytes(data) for name, data in session.execute(stmt)}
    return json.loads(row.content_json), files, row.sha256


def snapshot_content(uow: UnitOfWork, snapshot_id: int) -> dict:
    with uow.read() as session:
        return json.loads(_verified(session, snapshot_id).content_json)


def snapshot_file(uow: UnitOfWork, snapshot_id: int, filename: str) -> bytes:
    with uow.read() as session:
        file = session.execute(select(SnapshotFile).where(SnapshotFile.snapshot_id == snapshot_id,
                                                          SnapshotFile.filename == filename)).scalars().first()
        if file is None:
            raise NotFound(f"Filen {filename} finns inte i årsuppföljning {snapshot_id}")
        data = bytes(file.content)
        if file.sha256 is None or _sha(data) != file.sha256:
            _check(snapshot_id, [_problem(snapshot_id, filename, "stämmer inte med sin kontrollsumma")])
    return data


def write_files(uow: UnitOfWork, snapshot_id: int, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with uow.read() as session:
        names = queries.snapshot_file_names(session, snapshot_id)
    paths = []
    for name in names:
        path = out_dir / name
        path.write_bytes(snapshot_file(uow, snapshot_id, name))
        paths.append(path)
    return paths


def compare_with_now(uow: UnitOfWork, snapshot_id: int) -> pd.DataFrame:
    """Values corrected, added or removed since the snapshot, for periods up to its year,
    published the same way (the snapshot's suppression threshold)."""
    content = snapshot_content(uow, snapshot_id)
    last_day = date(content["year"], 12, 31)
    now = published_values(read_all(uow), last_day, content["method"]["suppression_threshold"])
    names = {a["code"]: a["name"] for a in content["areas"]}

    def keyed(rows: list[dict]) -> dict[tuple, dict]:
        return {(v["indicator"], v["period"], v["gender"], v["area"]): v for v in rows}

    before, after = keyed(content["values"]), keyed(now)
    rows = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], sort_key(k[1]), k[3], GENDER_ORDER[k[2]])):
        old, new = before.get(key), after.get(key)
        change = "nytt" if old is None else "borttaget" if new is None else "ändrat" if old["value"] != new["value"] else ""
        if change:
            rows.append(dict(zip(CHANGE_COLUMNS, [key[0], key[1], key[2], names.get(key[3], key[3]),
                                                  old["value"] if old else None, new["value"] if new else None, change])))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)
