"""E-mail for reporting rounds through an outbox: ``remind`` first queues the messages that
are due (each under a unique key, so the same message is never queued twice), then sends
what is pending. A send that fails stays pending with its error and is tried again on the
next run; nothing is lost and nothing crashes. Safe to run every hour (cron, systemd timer).

Messages, to the active officials of a board:
- invitation: the round is open and the board has missing values;
- reminder: ``UPPFOLJNING_REMIND_DAYS_BEFORE`` days before the due date, values still missing;
- overdue: after the due date, values still missing and the board has not klarmarkerat;
- confirmation: the board's values were approved (Godkänn).
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Optional

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.models import OutboxMessage, User, UserOrganisation, utcnow
from indicators.reporting import rounds
from indicators.reporting.rounds import APPROVED, OPEN, BoardProgress, RoundStatus
from indicators.rules.formatting import format_time
from indicators.rules.vocabulary import MESSAGE_KIND_LABELS, OUTBOX_STATE_LABELS
from indicators.unit_of_work import UnitOfWork
from settings import Settings, get_settings

PENDING, SENT = "pending", "sent"


@dataclass
class RemindReport:
    queued: list[OutboxMessage] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    pending: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "skulle köas" if self.dry_run else "köade"
        out = [f"{len(self.queued)} nya meddelanden {verb}"]
        out += [f"  {MESSAGE_KIND_LABELS[m.kind]} till {m.recipient}: {m.subject}" for m in self.queued]
        if not self.dry_run:
            out.append(f"{self.sent} skickade, {self.failed} misslyckades (försöks igen nästa körning)")
        out += [f"  fel: {e}" for e in self.errors]
        out.append(f"{self.pending} väntar på att skickas")
        return out


def _officials(session) -> dict[int, list[str]]:
    """Active officials' e-mail addresses per organisation id."""
    stmt = (select(UserOrganisation.organisation_id, User.email).join(User, User.id == UserOrganisation.user_id)
            .where(User.active.is_(True), User.role == "official").order_by(User.email))
    out: dict[int, list[str]] = {}
    for org_id, email in session.execute(stmt):
        out.setdefault(org_id, []).append(email)
    return out


def _due_kinds(r: RoundStatus, b: BoardProgress, today: date, settings: Settings) -> list[tuple[str, str]]:
    """(kind, key suffix) of the messages this board should have by now."""
    kinds = []
    if b.state == APPROVED:
        kinds.append(("confirmation", b.approved_at.isoformat() if b.approved_at else ""))
    elif b.state == OPEN and not b.complete:
        kinds.append(("invitation", ""))
        if today > r.due_date:
            kinds.append(("overdue", ""))
        elif today >= r.due_date - timedelta(days=settings.remind_days_before):
            kinds.append(("reminder", ""))
    return kinds


def compose(kind: str, r: RoundStatus, b: BoardProgress, settings: Settings) -> tuple[str, str]:
    """Subject and plain-text body in Swedish, listing exactly what is missing."""
    link = f"{settings.app_base_url}rapportera"
    due = r.due_date.isoformat()
    if kind == "confirmation":
        subject = f"Godkänt: {b.org_code} {r.label}"
        lead = (f"Processtödet har godkänt {b.org_name}s värden för rapportomgången {r.label}. "
                "Värdena är nu låsta; kontakta processtödet om något behöver ändras.")
        return subject, f"Hej!\n\n{lead}\n\n{link}\n\nUppföljning – Program för inkludering och social sammanhållning\n"
    subject, lead = {
        "invitation": (f"Rapportera {r.label}: {b.org_code}",
                       f"Rapportomgången {r.label} är öppnad. Sista dag för rapportering är {due}."),
        "reminder": (f"Påminnelse: rapportera {r.label} senast {due}",
                     f"Sista dag för rapportering av {r.label} är {due}. Några värden saknas fortfarande."),
        "overdue": (f"Försenad rapportering {r.label}: {b.org_code}",
                    f"Sista dag för rapportering av {r.label} var {due}. Några värden saknas fortfarande."),
    }[kind]
    missing = "\n".join(f"- {line}" for line in b.missing)
    body = (f"Hej!\n\n{lead}\n\n{b.org_name} ({b.org_code}) har {b.present} av {b.expected} värden. "
            f"Saknas:\n{missing}\n\nRapportera här: {link}\n"
            "Ange värdet eller ett skäl till att det saknas, och klarmarkera sedan.\n\n"
            "Uppföljning – Program för inkludering och social sammanhållning\n")
    return subject, body


def plan(uow: UnitOfWork, today: date, settings: Optional[Settings] = None) -> list[OutboxMessage]:
    """The messages due today that are not yet in the outbox (not written)."""
    settings = settings or get_settings()
    round_list = rounds.all_rounds(uow)
    with uow.read() as session:
        officials = _officials(session)
        known = set(session.execute(select(OutboxMessage.key)).scalars())
    out = []
    for r in round_list:
        for b in r.boards:
            for kind, suffix in _due_kinds(r, b, today, settings):
                subject, body = compose(kind, r, b, settings)
                for email in officials.get(b.org_id, []):
                    key = "/".join(str(part) for part in (kind, r.period, b.org_code, email, suffix) if part)
                    if key not in known:
                        known.add(key)
                        out.append(OutboxMessage(key=key, kind=kind, round_id=r.id, organisation_id=b.org_id,
                                                 recipient=email, subject=subject, body=body))
    return out


def queue(uow: UnitOfWork, messages: list[OutboxMessage]) -> int:
    """Write the planned messages; a run in parallel that queued them first wins (unique key)."""
    if not messages:
        return 0
    try:
        with uow.write() as session:
            session.add_all(messages)
    except IntegrityError:
        return 0
    return len(messages)


def _send_all(pending: list[OutboxMessage], settings: Settings) -> dict[int, str]:
    """Send over one SMTP connection; returns {message id: error} for the ones that failed."""
    failures: dict[int, str] = {}
    sent: set[int] = set()
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            for m in pending:
                mail = EmailMessage()
                mail["From"], mail["To"], mail["Subject"] = settings.smtp_sender or "uppfoljning@localhost", m.recipient, m.subject
                mail.set_content(m.body)
                try:
                    smtp.send_message(mail)
                    sent.add(m.id)
                except (smtplib.SMTPException, OSError) as exc:
                    failures[m.id] = f"{type(exc).__name__}: {exc}"
    except (smtplib.SMTPException, OSError) as exc:
        # the connection failed: every message not yet sent stays pending (one sent stays sent)
        failures.update({m.id: f"{type(exc).__name__}: {exc}" for m in pending if m.id not in sent})
    return failures


def send_pending(uow: UnitOfWork, report: RemindReport, settings: Optional[Settings] = None) -> None:
    settings = settings or get_settings()
    if not settings.smtp_enabled:
        report.errors.append("e-post är avstängd (UPPFOLJNING_SMTP_HOST är tom); meddelandena väntar kvar")
        return
    with uow.read() as session:
        pending = session.execute(select(OutboxMessage).where(OutboxMessage.state == PENDING)
                                  .order_by(OutboxMessage.id)).scalars().all()
    if not pending:
        return
    failures = _send_all(pending, settings)
    with uow.write() as session:
        for m in pending:
            row = session.get(OutboxMessage, m.id)
            row.attempts += 1
            if m.id in failures:
                row.last_error = failures[m.id]
            else:
                row.state, row.sent_at, row.last_error = SENT, utcnow(), ""
    report.sent = len(pending) - len(failures)
    report.failed = len(failures)
    report.errors += sorted(set(failures.values()))


def remind(uow: UnitOfWork, today: Optional[date] = None, dry_run: bool = False,
           settings: Optional[Settings] = None) -> RemindReport:
    """Queue what is due and send what is pending; ``dry_run`` only lists what would be queued."""
    today = today or date.today()
    report = RemindReport(queued=plan(uow, today, settings), dry_run=dry_run)
    if not dry_run:
        queue(uow, report.queued)
        send_pending(uow, report, settings)
    with uow.read() as session:
        report.pending = len(session.execute(select(OutboxMessage.id).where(OutboxMessage.state == PENDING)).all())
    return report


def outbox(uow: UnitOfWork) -> pd.DataFrame:
    """The outbox for the admin page, newest first, in Swedish."""
    with uow.read() as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().all()
    return pd.DataFrame([{
        "Skapat": format_time(m.created_at), "Typ": MESSAGE_KIND_LABELS[m.kind], "Mottagare": m.recipient,
        "Ämne": m.subject, "Status": OUTBOX_STATE_LABELS[m.state], "Försök": m.attempts,
        "Skickat": format_time(m.sent_at), "Senaste fel": m.last_error or "–",
    } for m in rows], columns=["Skapat", "Typ", "Mottagare", "Ämne", "Status", "Försök", "Skickat", "Senaste fel"])
