"""Import Kolada values: the municipality's own values become Measurements for the whole
municipality ("Hela kommunen"); Riket and the comparison municipalities become
ComparisonValues. An indicator with ``source_kind == "kolada"`` has its KPI id in
``source_ref``.

Rules (one place):
- all-or-nothing: parsing, validation and every write happen before or inside one
  transaction; any error leaves the database as it was;
- a missing Kolada value stays missing (value None, missing_reason "saknas i Kolada"
  plus the status flag), never 0; Kolada's status flag is kept verbatim;
- only the total unless the indicator is reported by gender (then K and M too);
- idempotent: values equal to what is stored are counted as unchanged and not written,
  so re-importing the same file writes nothing, not even an audit event;
- Kolada is the authority for official statistics: a value entered by hand for the same
  key is replaced, never silently: the audit trail keeps the old and the new value;
- the value rules every door applies (``kolada_rules``): a batch with rule breaks is
  refused whole with every row named, unless an admin explicitly skips those rows
  (``skip_invalid``; the skipped rows are audited). A new or changed value in a locked
  period (or one a board's approval locked) is such a rule break, as is a percent about
  100 times off the previous year; a jump is a warning in the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable, Optional, Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import crud, queries
from db.models import Area, ComparisonUnit, ComparisonValue, Indicator, Measurement, PeriodLock, utcnow
from errors import Invalid, Refused
from indicators.access import permissions
from indicators.sources import kolada_rules
from indicators.files.long_format import plain_number
from indicators.access.permissions import Actor
from indicators.sources.kolada import (
    FetchResult, KoladaClient, KoladaError, KoladaValue, compare_ids, fetch_kpis, load_pages,
    municipality_id, parse_pages,
)
from indicators.reporting.context import approved_cells
from indicators.reporting.value_rules import same_value
from indicators.unit_of_work import UnitOfWork
from settings import get_settings

SOURCE = "kolada"
MISSING_REASON = "saknas i Kolada"
STATUS_NOTE = "Kolada-status: "


@dataclass
class ImportReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0  # genders or municipalities this installation does not follow
    manual_replaced: int = 0  # hand-entered values replaced by Kolada's (audited)
    warnings: list = field(default_factory=list)  # Problems: jumps against the previous year
    rule_skipped: int = 0  # rows breaking the value rules that an admin chose to skip (audited)
    fetched_at: Optional[datetime] = None
    titles: dict[str, str] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Kolada: {self.new} nya, {self.changed} ändrade, {self.unchanged} oförändrade värden"
        if self.manual_replaced:
            text += f"; {self.manual_replaced} manuellt inmatade värden ersatta (loggade)"
        if self.warnings:
            text += f"; {len(self.warnings)} värden ändras mer än språngregeln tillåter (se varningarna)"
        if self.skipped:
            text += f"; {self.skipped} hoppades över (kön eller kommun som inte följs)"
        if self.rule_skipped:
            text += f"; {self.rule_skipped} rader som bröt mot reglerna hoppades över (loggade)"
        return text + "."


# --- public entry points ------------------------------------------------------------

def import_pages(uow: UnitOfWork, actor: Actor, pages: Sequence[dict], *, fetched_at: Optional[datetime] = None,
                 unit_names: Optional[dict[str, str]] = None, skip_invalid: bool = False,
                 today: Optional[date] = None) -> ImportReport:
    """Import API pages (live or saved) in one transaction; returns the counts.

    Rows breaking the value rules refuse the whole batch (``errors.Invalid`` naming every
    row) unless ``skip_invalid``: an admin's explicit choice, audited."""
    permissions.require(uow, actor, "fetch_statistics", entity="kolada")
    if skip_invalid and not actor.is_admin:
        raise Refused("Bara processtödet (admin) kan välja att hoppa över rader som bryter mot reglerna.")
    values = parse_pages(pages)  # malformed input fails here, before any write
    fetched_at = fetched_at or utcnow()
    importer_rules = (skip_invalid, today or date.today())
    try:
        with uow.write() as session:
            report = _Importer(session, actor, fetched_at, unit_names or {}).run(values, *importer_rules)
    except IntegrityError as exc:
        raise KoladaError("Någon annan sparade samma värden samtidigt; inget har sparats. Försök igen.") from exc
    return report


def import_files(uow: UnitOfWork, actor: Actor, files: Iterable[tuple[str, bytes | str]], *,
                 skip_invalid: bool = False) -> ImportReport:
    """Saved responses (name, content); every file is read before anything is written."""
    pages: list[dict] = []
    for name, content in files:
        pages.extend(load_pages(content, name))
    return import_pages(uow, actor, pages, skip_invalid=skip_invalid)


def fetch_and_import(uow: UnitOfWork, actor: Actor, kpi_ids: Optional[Sequence[str]] = None, *,
                     client: Optional[KoladaClient] = None, years: Optional[Sequence[int]] = None,
                     on_progress: Optional[Callable[[int, int, str], None]] = None,
                     skip_invalid: bool = False) -> tuple[ImportReport, FetchResult]:
    """Fetch the given KPI ids (default: every active Kolada indicator) online and import."""
    permissions.require(uow, actor, "fetch_statistics", entity="kolada")
    client = client or KoladaClient()
    kpis = list(kpi_ids) if kpi_ids else kolada_kpi_ids(uow)
    if not kpis:
        raise KoladaError("Det finns inga aktiva indikatorer med källa Kolada och KPI-id.")
    _check_known(uow, kpis)
    fetched_at = utcnow()
    result = fetch_kpis(client, kpis, [municipality_id(), *compare_ids()], years or default_years(uow), on_progress)
    report = import_pages(uow, actor, result.pages, fetched_at=fetched_at, unit_names=_names_if_needed(uow, client),
                          skip_invalid=skip_invalid)
    report.titles, report.not_found = result.titles, result.not_found
    return report, result


# --- read helpers for the CLI and the page -------------------------------------------

def kolada_kpi_ids(uow: UnitOfWork) -> list[str]:
    with uow.read() as session:
        rows = session.execute(
            select(Indicator.source_ref).where(Indicator.source_kind == SOURCE, Indicator.active,
                   Indicator.source_ref != "")
            .order_by(Indicator.code)
        ).scalars().all()
    return list(dict.fromkeys(r.strip() for r in rows))


def default_years(uow: UnitOfWork, today: Optional[date] = None) -> list[int]:
    """From the earliest of program start and baselines up to this year (Kolada simply has
    nothing yet for years not published)."""
    today = today or date.today()
    with uow.read() as session:
        program = queries.program(session)
        baselines = session.execute(
            select(Indicator.baseline_period).where(Indicator.source_kind == SOURCE,
                   Indicator.baseline_period.is_not(None))
        ).scalars().all()
    first = program.start_year if program else today.year - 10
    first = min([first] + [int(b[:4]) for b in baselines if b and b[:4].isdigit()])
    last = min(program.end_year, today.year) if program else today.year
    return list(range(first, last + 1))


def last_fetch_table(uow: UnitOfWork) -> pd.DataFrame:
    """Kolada indicators with the time their values last came from Kolada ("–" when never).
    An import that changes nothing writes nothing, so this is the last fetch that brought
    new or changed values."""
    with uow.read() as session:
        df = queries.kolada_last_fetch(session)
    latest = pd.concat([pd.to_datetime(df[c], utc=True) for c in ("own_at", "comparison_at")], axis=1).max(axis=1)
    return pd.DataFrame({
        "kod": df["code"],
        "indikator": df["name"],
        "kpi_id": df["source_ref"],
        "aktiv": df["active"].astype(bool),
        "senast_hamtat": ["–" if pd.isna(at) else at.strftime("%Y-%m-%d %H:%M") + " UTC" for at in latest],
        "kpi_anmarkning": df["source_note"],
    })


# --- the import itself ---------------------------------------------------------------

class _Importer:
    def __init__(self, session: Session, actor: Actor, fetched_at: datetime, unit_names: dict[str, str]) -> None:
        self.session, self.actor, self.fetched_at, self.unit_names = session, actor, fetched_at, unit_names
        self.report = ImportReport(fetched_at=fetched_at)
        self.reason = f"Källa Kolada, hämtat {fetched_at.strftime('%Y-%m-%d %H:%M')} UTC"

    def run(self, values: list[KoladaValue], skip_invalid: bool, today: date) -> ImportReport:
        by_kpi = self._indicators(values)
        total = self.session.execute(select(Area).where(Area.is_total)).scalars().first()
        if total is None:
            raise KoladaError("Området \"Hela kommunen\" saknas i databasen; kör python cli.py init.")
        own = municipality_id()
        self.locks = set(self.session.execute(select(PeriodLock.period)).scalars())
        self.board_locks = approved_cells(self.session, [i for ii in by_kpi.values() for i in ii])
        measurements = self._existing_measurements([i.id for ii in by_kpi.values() for i in ii], total.id)
        values = self._checked(values, by_kpi, skip_invalid, today, measurements)
        units = self._units()
        comparisons = self._existing_comparisons([i.id for ii in by_kpi.values() for i in ii])
        for item in values:
            for indicator in by_kpi[item.kpi]:
                if item.gender != "T" and not indicator.by_gender:
                    self.report.skipped += 1
                elif item.municipality == own:
                    self._measurement(measurements, indicator, total.id, item)
                elif item.municipality in units:
                    self._comparison(comparisons, indicator, units[item.municipality], item)
                else:
                    self.report.skipped += 1
        if self.report.new or self.report.changed:
            crud.add_audit(self.session, user_email=self.actor.email, action="import", entity="kolada",
                           new=self.report.summary(), reason=self.reason)
        return self.report

    def _checked(self, values: list[KoladaValue], by_kpi: dict[str, list[Indicator]], skip_invalid: bool,
                 today: date, existing: dict) -> list[KoladaValue]:
        """The value rules (``kolada_rules``): refuse the batch, or leave out the rows an admin skips."""
        program = queries.program(self.session)
        years = kolada_rules.ProgramYears(program.start_year, program.end_year) if program else \
            kolada_rules.ProgramYears(1900, 2200)
        problems = kolada_rules.check_values(values, by_kpi, years, today)
        stored, self.report.warnings = kolada_rules.stored_rules(
            values, by_kpi, municipality_id(), existing, _would_change,
            lambda ind, period: kolada_rules.lock_reason(ind, period, self.locks, self.board_locks),
            get_settings().jump_factor)
        problems = sorted(problems + stored, key=lambda p: p.index)
        if not problems:
            return values
        if not skip_invalid:
            raise Invalid(kolada_rules.refusal_message(problems, self.actor.is_admin), problems)
        bad = {p.index for p in problems}
        self.report.rule_skipped = len(bad)
        crud.add_audit(self.session, user_email=self.actor.email, action="import", entity="kolada",
                       field="överhoppade rader", new=kolada_rules.skipped_note(problems),
                       reason=self.reason + "; processtödet valde att hoppa över rader som bryter mot reglerna")
        return [v for i, v in enumerate(values) if i not in bad]

    def _indicators(self, values: list[KoladaValue]) -> dict[str, list[Indicator]]:
        rows = self.session.execute(select(Indicator).where(Indicator.source_kind == SOURCE)).scalars().all()
        by_kpi: dict[str, list[Indicator]] = {}
        for indicator in rows:
            by_kpi.setdefault(indicator.source_ref.strip(), []).append(indicator)
        unknown = sorted({v.kpi for v in values} - set(by_kpi))
        if unknown:
            raise KoladaError(
                f"okänt KPI-id: {', '.join(unknown)} (ingen indikator med källa Kolada har det KPI-id:t); "
                "inget har sparats."
            )
        wrong = sorted({i.code for v in values for i in by_kpi[v.kpi] if i.periodicity != "year"})
        if wrong:
            raise KoladaError(f"Kolada har årsvärden men indikatorerna {', '.join(wrong)} rapporteras inte per år.")
        return by_kpi

    def _units(self) -> dict[str, ComparisonUnit]:
        """Configured comparison units; missing ones (KOLADA_COMPARE) are created."""
        units = {u.code: u for u in self.session.execute(select(ComparisonUnit)).scalars().all()}
        for code in compare_ids():
            if code not in units:
                unit = ComparisonUnit(code=code, name=self.unit_names.get(code) or f"Jämförelseenhet {code}")
                self.session.add(unit)
                self.session.flush()
                crud.add_audit(self.session, user_email=self.actor.email, action="create", entity="comparison_unit",
                               entity_id=unit.id, new=f"{code} {unit.name}", reason=self.reason)
                units[code] = unit
        return {code: unit for code, unit in units.items() if unit.active}

    def _existing_measurements(self, indicator_ids: list[int], area_id: int) -> dict[tuple, Measurement]:
        rows = self.session.execute(
            select(Measurement).where(Measurement.indicator_id.in_(indicator_ids), Measurement.area_id == area_id)
            .with_for_update()  # PostgreSQL: a concurrent writer of these values waits
        ).scalars().all()
        return {(m.indicator_id, m.period, m.gender): m for m in rows}

    def _existing_comparisons(self, indicator_ids: list[int]) -> dict[tuple, ComparisonValue]:
        rows = self.session.execute(
            select(ComparisonValue).where(ComparisonValue.indicator_id.in_(indicator_ids))
        ).scalars().all()
        return {(c.indicator_id, c.unit_id, c.period, c.gender): c for c in rows}

    def _measurement(self, existing: dict, indicator: Indicator, area_id: int, item: KoladaValue) -> None:
        key = (indicator.id, item.period, item.gender)
        row = existing.get(key)
        if item.value is None and row is not None and row.value is not None:
            self.report.unchanged += 1  # a gap in Kolada never erases a value we hold
            return
        wanted = _measurement_fields(item, row.comment if row else "")
        changes = {} if row is None else _changes(row, wanted)
        if row is not None and not changes:
            self.report.unchanged += 1
            return
        if row is None:
            row = Measurement(indicator_id=indicator.id, period=item.period, gender=item.gender, area_id=area_id,
                              created_by=self.actor.email, updated_by=self.actor.email, updated_at=self.fetched_at,
                              **wanted)
            self._add(existing, key, row, "measurement", indicator, item)
            return
        manual = row.source != SOURCE and "value" in changes
        for name, (old, new) in changes.items():
            setattr(row, name, new)
            note = "Kolada ersätter manuellt inmatat värde" if manual and name == "value" else ""
            self._audit("update", "measurement", row.id, indicator, item, name, old, new, note)
        row.version += 1  # optimistic locking: an open edit form of this value must reload
        row.updated_by, row.updated_at = self.actor.email, self.fetched_at
        self.report.changed += 1
        self.report.manual_replaced += int(manual)

    def _comparison(self, existing: dict, indicator: Indicator, unit: ComparisonUnit, item: KoladaValue) -> None:
        key = (indicator.id, unit.id, item.period, item.gender)
        row = existing.get(key)
        wanted = {"value": item.value, "source_status": item.status, "source": SOURCE}
        if row is None:
            row = ComparisonValue(indicator_id=indicator.id, unit_id=unit.id, period=item.period, gender=item.gender,
                                  fetched_at=self.fetched_at, **wanted)
            self._add(existing, key, row, "comparison_value", indicator, item)
            return
        changes = _changes(row, wanted)
        if not changes:
            self.report.unchanged += 1
            return
        for name, (old, new) in changes.items():
            setattr(row, name, new)
            self._audit("update", "comparison_value", row.id, indicator, item, name, old, new)
        row.fetched_at = self.fetched_at
        self.report.changed += 1

    def _add(self, existing: dict, key: tuple, row: Measurement | ComparisonValue, entity: str, indicator: Indicator,
             item: KoladaValue) -> None:
        """A value we did not hold: stored, remembered under its key, audited and counted as new."""
        self.session.add(row)
        self.session.flush()
        existing[key] = row
        self._audit("create", entity, row.id, indicator, item, "value", None, row.value)
        self.report.new += 1

    def _audit(self, action: str, entity: str, entity_id: object, indicator: Indicator, item: KoladaValue,
               field_name: str, old: object, new: object, note: str = "") -> None:
        where = f"{indicator.code} {item.period} {item.gender} kommun {item.municipality}"
        reason = f"{self.reason}; {where}" + (f"; {note}" if note else "")
        crud.add_audit(self.session, user_email=self.actor.email, action=action, entity=entity, entity_id=entity_id,
                       field=field_name, old=_audit_text(old), new=_audit_text(new), reason=reason)


def _changes(row: object, wanted: dict) -> dict[str, tuple]:
    """Field -> (stored, wanted) for the fields that differ."""
    return {
        name: (getattr(row, name), new) for name, new in wanted.items()
        if not (same_value(getattr(row, name), new) if name == "value" else getattr(row, name) == new)
    }


def _would_change(item: KoladaValue, row: Optional[Measurement]) -> bool:
    """Whether importing the item changes the stored own value (a gap never erases one)."""
    if row is None:
        return True
    if item.value is None and row.value is not None:
        return False
    return bool(_changes(row, _measurement_fields(item, row.comment)))


def _audit_text(value: object) -> object:
    return plain_number(value) if isinstance(value, float) else value


def _measurement_fields(item: KoladaValue, current_comment: str) -> dict:
    """The Measurement fields Kolada decides. The status flag of a present value goes in the
    comment, but only where the comment is empty or Kolada's own, so notes made by hand stay."""
    flag = item.status.strip()
    missing = "" if item.value is not None else MISSING_REASON + (f" (status {flag})" if flag else "")
    ours = not current_comment or current_comment.startswith(STATUS_NOTE)
    comment = (STATUS_NOTE + flag if flag and item.value is not None else "") if ours else current_comment
    return {
        "value": item.value,
        "missing_reason": missing,
        # Kolada's `count` is the number of units behind a value, not a population, and
        # published official statistics are already disclosure-controlled: no count basis.
        "count_n": None,
        "comment": comment,
        "status": "preliminär" if flag.lower().startswith("prel") else "slutlig",
        "source": SOURCE,
    }


def _check_known(uow: UnitOfWork, kpis: Sequence[str]) -> None:
    known = set(kolada_kpi_ids(uow))
    unknown = [k for k in kpis if k not in known]
    if unknown:
        raise KoladaError(f"okänt KPI-id: {', '.join(unknown)} (ingen aktiv indikator med källa Kolada har det KPI-id:t).")


def _names_if_needed(uow: UnitOfWork, client: KoladaClient) -> dict[str, str]:
    """Kolada's names for comparison units not yet in the database (one extra request)."""
    with uow.read() as session:
        present = set(session.execute(select(ComparisonUnit.code)).scalars().all())
    if all(code in present for code in compare_ids()):
        return {}
    return client.municipalities()
