"""SQLModel tables: the program structure, the indicator catalogue, measurements,
actions, meetings, users and the append-only audit trail.

Rules that the database itself can hold (uniqueness, required foreign keys, allowed
codes) are declared here; rules that span rows (at least one program goal per
indicator and action) are enforced in ``db.crud`` before commit, in one place.
"""
from __future__ import annotations

import types
from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import CheckConstraint, Index, LargeBinary, Text, UniqueConstraint, false
from sqlmodel import Column, Field, SQLModel

GENDERS = ("T", "K", "M")
DIRECTIONS = ("higher", "lower", "none")
PERIODICITIES = ("year", "halfyear", "quarter")
SOURCE_KINDS = ("own", "kolada", "scb", "survey")
VALUE_STATUSES = ("preliminär", "slutlig")
ACTION_STATUSES = ("planerad", "pågående", "genomförd", "pausad")
MEETING_KINDS = ("ordinarie", "extra")
ORG_KINDS = ("nämnd", "förvaltning", "fullmäktige")
ROLES = ("admin", "official", "viewer")
SUBMISSION_STATES = ("open", "submitted", "approved")
MESSAGE_KINDS = ("invitation", "reminder", "overdue", "confirmation")
OUTBOX_STATES = ("pending", "sent")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _link_table(class_name: str, table: str, owner: str, linked: str, *, owner_table: str = "") -> type[SQLModel]:
    """A link table between an owning row and a linked row, e.g. an action and a program goal:
    the columns ``<owner>_id`` and ``<linked>_id`` are together the key. Deleting the owning
    row deletes its links (ON DELETE CASCADE); a linked row cannot be deleted while linked.
    ``owner_table`` names the owner's table where it is not ``owner`` (users: "app_user")."""
    columns = {
        f"{owner}_id": Field(foreign_key=f"{owner_table or owner}.id", primary_key=True, ondelete="CASCADE"),
        f"{linked}_id": Field(foreign_key=f"{linked}.id", primary_key=True),
    }
    namespace = {"__module__": __name__, "__qualname__": class_name, "__tablename__": table,
                 "__annotations__": dict.fromkeys(columns, int), **columns}
    return types.new_class(class_name, (SQLModel,), {"table": True}, lambda body: body.update(namespace))


# --- program structure -------------------------------------------------------------

class Program(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    start_year: int
    end_year: int
    adopted_date: Optional[date] = None
    decision_ref: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class NumberedPart(SQLModel):
    """The columns of a numbered part of the program: its program goals and its focus areas.
    The numbers are the program's own, unique within it (each table's UniqueConstraint)."""
    id: Optional[int] = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    number: int
    name: str


class ProgramGoal(NumberedPart, table=True):
    __tablename__ = "program_goal"
    __table_args__ = (UniqueConstraint("program_id", "number"),)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class FocusArea(NumberedPart, table=True):
    __tablename__ = "focus_area"
    __table_args__ = (UniqueConstraint("program_id", "number"),)
    code: str = Field(unique=True)
    short_name: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ResultGoal(SQLModel, table=True):
    """A LedMot result goal; revised each mandate period, hence the validity years."""
    __tablename__ = "result_goal"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    valid_from_year: int
    valid_to_year: Optional[int] = None


class Organisation(SQLModel, table=True):
    __table_args__ = (CheckConstraint(_in("kind", ORG_KINDS), name="ck_org_kind"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    kind: str
    active: bool = True


class Area(SQLModel, table=True):
    """A geographic area. Exactly one area is the total ("Hela kommunen")."""
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    is_total: bool = False
    sort_order: int = 0
    active: bool = True


class ComparisonUnit(SQLModel, table=True):
    """Riket, other municipalities: units whose values are shown beside our own."""
    __tablename__ = "comparison_unit"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)  # Kolada municipality id, e.g. "0000" for Riket
    name: str
    active: bool = True


# --- indicator catalogue -----------------------------------------------------------

IndicatorProgramGoal = _link_table("IndicatorProgramGoal", "indicator_program_goal", "indicator", "program_goal")
IndicatorResultGoal = _link_table("IndicatorResultGoal", "indicator_result_goal", "indicator", "result_goal")


class Indicator(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(_in("direction", DIRECTIONS), name="ck_indicator_direction"),
        CheckConstraint(_in("periodicity", PERIODICITIES), name="ck_indicator_periodicity"),
        CheckConstraint(_in("source_kind", SOURCE_KINDS), name="ck_indicator_source_kind"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    unit: str = ""
    decimals: int = 1
    direction: str = "higher"
    periodicity: str = "year"
    source_kind: str = "own"
    source_ref: str = ""  # e.g. the Kolada KPI id
    source_note: str = ""  # e.g. "KPI-id ej bekräftat mot Kolada"
    responsible_org_id: int = Field(foreign_key="organisation.id", index=True)
    focus_area_id: int = Field(foreign_key="focus_area.id", index=True)
    by_gender: bool = False
    by_area: bool = False
    # "antal krävs för uppdelningar": a breakdown value without a count basis n is refused,
    # so the disclosure rule can judge every published breakdown.
    breakdown_needs_count: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    valid_min: Optional[float] = None
    valid_max: Optional[float] = None
    baseline_period: Optional[str] = None
    baseline_value: Optional[float] = None
    active: bool = True
    valid_from_year: Optional[int] = None
    valid_to_year: Optional[int] = None
    # Yearly indicators measured less often (election turnout: every 4 years from 2018).
    report_every_years: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    report_anchor_year: Optional[int] = None
    version: int = 1


class Target(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    year: int
    value: float


# --- values ------------------------------------------------------------------------

class Measurement(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "gender", "area_id", name="uq_measurement_key"),
        CheckConstraint(_in("gender", GENDERS), name="ck_measurement_gender"),
        CheckConstraint(_in("status", VALUE_STATUSES), name="ck_measurement_status"),
        Index("ix_measurement_period", "period"),
        # The dashboards read "newest values of the total per indicator": seek, don't scan.
        Index("ix_measurement_series", "indicator_id", "gender", "area_id", "period"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    period: str  # canonical: 2024, 2024H1, 2024Q3
    gender: str = "T"
    area_id: int = Field(foreign_key="area.id")
    value: Optional[float] = None
    missing_reason: str = ""
    count_n: Optional[int] = None  # count basis, for small-number suppression
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = "preliminär"
    source: str = "manuell"
    version: int = 1  # optimistic locking
    created_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class ComparisonValue(SQLModel, table=True):
    __tablename__ = "comparison_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "unit_id", "period", "gender", name="uq_comparison_key"),
        CheckConstraint(_in("gender", GENDERS), name="ck_comparison_gender"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    unit_id: int = Field(foreign_key="comparison_unit.id")
    period: str
    gender: str = "T"
    value: Optional[float] = None
    source_status: str = ""  # e.g. Kolada's status flag, kept verbatim
    source: str = "kolada"
    fetched_at: Optional[datetime] = None


class PeriodLock(SQLModel, table=True):
    __tablename__ = "period_lock"
    id: Optional[int] = Field(default=None, primary_key=True)
    period: str = Field(unique=True)
    locked_by: str
    locked_at: datetime = Field(default_factory=utcnow)
    reason: str = ""


class ReportingRound(SQLModel, table=True):
    """A reporting round for one period (2026Q3), opened by an admin with a due date."""
    __tablename__ = "reporting_round"
    id: Optional[int] = Field(default=None, primary_key=True)
    period: str = Field(unique=True)
    due_date: date
    opened_by: str
    opened_at: datetime = Field(default_factory=utcnow)


class BoardSubmission(SQLModel, table=True):
    """One board's state in a round: klarmarkerad (submitted), godkänd (approved, locks its
    values for the round) or open again after Återöppna."""
    __tablename__ = "board_submission"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),
                      CheckConstraint(_in("state", SUBMISSION_STATES), name="ck_submission_state"))
    id: Optional[int] = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reporting_round.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id")
    state: str = "open"
    first_submitted_at: Optional[datetime] = None  # timeliness counts the first submission
    submitted_at: Optional[datetime] = None
    submitted_by: str = ""
    approved_at: Optional[datetime] = None
    approved_by: str = ""
    reopen_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class OutboxMessage(SQLModel, table=True):
    """An e-mail to send: written once per key (never the same message twice), sent by
    ``cli.py remind``; a failed send stays pending with its error and is retried."""
    __tablename__ = "outbox_message"
    __table_args__ = (CheckConstraint(_in("kind", MESSAGE_KINDS), name="ck_outbox_kind"),
                      CheckConstraint(_in("state", OUTBOX_STATES), name="ck_outbox_state"))
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: str
    round_id: int = Field(foreign_key="reporting_round.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id")
    recipient: str
    subject: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: str = "pending"
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: Optional[datetime] = None


# --- actions and meetings ----------------------------------------------------------

ActionProgramGoal = _link_table("ActionProgramGoal", "action_program_goal", "action", "program_goal")
ActionOrganisation = _link_table("ActionOrganisation", "action_organisation", "action", "organisation")
ActionIndicator = _link_table("ActionIndicator", "action_indicator", "action", "indicator")


class Action(SQLModel, table=True):
    """An insats/åtgärd from the plan for continued work."""
    __table_args__ = (CheckConstraint(_in("status", ACTION_STATUSES), name="ck_action_status"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    focus_area_id: int = Field(foreign_key="focus_area.id", index=True)
    status: str = "planerad"
    start_date: Optional[date] = None
    end_date: Optional[date] = None
    cost_estimate: Optional[int] = None  # kronor
    priority: Optional[int] = None  # 1 = highest
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Meeting(SQLModel, table=True):
    __table_args__ = (CheckConstraint(_in("kind", MEETING_KINDS), name="ck_meeting_kind"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    date: date
    kind: str = "ordinarie"
    title: str = ""
    agenda: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decisions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class MeetingAttendee(SQLModel, table=True):
    """An attendee by role (e.g. "Ledamot KS"); names are optional free text."""
    __tablename__ = "meeting_attendee"
    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id")
    name: str = ""
    present: bool = True


MeetingDistribution = _link_table("MeetingDistribution", "meeting_distribution", "meeting", "organisation")


# --- users, audit, meta ------------------------------------------------------------

UserOrganisation = _link_table("UserOrganisation", "user_organisation", "user", "organisation",
                               owner_table="app_user")


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="ck_user_role"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(unique=True)  # stored lower-case
    display_name: str = ""
    role: str
    password_hash: Optional[str] = None  # None: SSO only
    active: bool = True
    failed_logins: int = 0
    locked_until: Optional[datetime] = None
    last_login_at: Optional[datetime] = None
    is_demo: bool = False
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A server-side sign-in session; the browser holds the random token, the table its sha256."""
    __tablename__ = "login_session"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime  # absolute end, whatever the activity
    revoked_at: Optional[datetime] = None


class AuditEvent(SQLModel, table=True):
    """Append-only trail of every write and every refused write."""
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    user_email: str = ""
    action: str  # create / update / delete / refused / login / ...
    entity: str
    entity_id: str = ""
    field: str = ""
    old: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    new: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Meta(SQLModel, table=True):
    """Key/value facts about the database: data version, demo flag."""
    key: str = Field(primary_key=True)
    value: str


class Snapshot(SQLModel, table=True):
    """A frozen annual follow-up. Rows are never updated once written."""
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    snapshot_date: date
    sha256: str = Field(unique=True)
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)


class Publication(SQLModel, table=True):
    """An årsuppföljning made public by process support; withdrawing keeps the row."""
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    snapshot_id: int = Field(foreign_key="snapshot.id", index=True)
    published_by: str
    published_at: datetime = Field(default_factory=utcnow)
    withdrawn_by: Optional[str] = None
    withdrawn_at: Optional[datetime] = None
    withdrawn_reason: str = ""


class SnapshotFile(SQLModel, table=True):
    __tablename__ = "snapshot_file"
    id: Optional[int] = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshot.id", index=True)
    filename: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: Optional[str] = None  # of content; checked whenever the file is served


class FocusAreaAssessment(SQLModel, table=True):
    """One version of a focus area's "Analys och bedömning" for a period. Every save adds a
    row (version 1, 2, …); no row is ever changed or deleted (triggers in migration 0011),
    so the history is the table itself. The unique key makes two saves of the same version
    a conflict, not a lost edit."""
    __tablename__ = "focus_area_assessment"
    __table_args__ = (UniqueConstraint("focus_area_id", "period", "version", name="uq_assessment_version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    focus_area_id: int = Field(foreign_key="focus_area.id", index=True)
    period: str  # canonical: 2026, 2026H2, 2026Q3
    version: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    written_by: str
    written_at: datetime = Field(default_factory=utcnow)
