"""The meeting briefing: for each focus area what the working group looks at in a meeting –
status counts, every indicator with new values or a changed status (latest value, change
since the previous meeting and since the baseline, status before → now with the values, the
series for a small chart, the latest analysis comment), the focus area's "Analys och
bedömning" and the actions changed since the previous meeting.

The meeting mode (pages/moten.py) and the Underlag PDF (documents.py) only render this, so
both say the same. Values withheld by the disclosure rule are left out here as in every
other view for the working group (``long_format.withheld_keys``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from db import queries
from indicators.files import long_format
from indicators.meetings import changes
from indicators.reporting.assessments import Assessment, latest_by_focus_area
from indicators.rules.formatting import SUPPRESSED, format_number
from indicators.rules.periods import period_from_code, sort_key
from indicators.rules.status import StatusRule, rule_from_settings, status_label, trend
from indicators.rules.vocabulary import (
    ACTION_STATUS_LABELS, STATUSES, TREND_CHANGE_COLOURS, TREND_CHANGE_WORDS, label,
)
from indicators.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Change:
    """A change read in the indicator's desired direction: '▲ bättre', '▼ sämre', '→ oförändrat'."""
    arrow: str
    word: str
    colour: str = "gray"  # green for better, red for worse

    @property
    def text(self) -> str:
        return f"{self.arrow} {self.word}"


def change(direction: str, value: Optional[float], earlier: Optional[float], rule: Optional[StatusRule] = None) -> Change:
    """Arrow and word for ``value`` against ``earlier`` (the status rule's trend tolerance
    decides what counts as unchanged; an indicator without direction says ökning/minskning)."""
    word = trend(direction, value, earlier, rule or rule_from_settings())
    return Change(*TREND_CHANGE_WORDS[word], TREND_CHANGE_COLOURS.get(word, "gray"))


@dataclass
class IndicatorBrief:
    code: str
    name: str
    period_label: str  # of the latest value
    value_text: str  # the latest value with its unit
    since_meeting: Change
    meeting_value_text: str  # the latest value known at the previous meeting
    since_baseline: Change
    baseline_text: str  # "10,0 % (2018)"
    status_before: str
    status_now: str
    before_text: str  # "▲ viss risk (12,3 %, 2025)"
    now_text: str
    value_news: str  # "2 nya värden (2026 kv 1, 2026 kv 2)"; empty when only the status moved
    sparkline: list[tuple[str, float, str]] = field(default_factory=list)  # (period label, value, text), oldest first
    comment: str = ""
    comment_period_label: str = ""

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_now


@dataclass
class FocusBrief:
    code: str
    number: int
    name: str
    counts: dict[str, int]
    indicators: list[IndicatorBrief]
    assessment: Optional[Assessment]
    actions: list[str]  # "Läxhjälp … (ny, pågående)"

    @property
    def status_moves(self) -> list[str]:
        """'UTB01 ● på väg → ✔ mål nått' for each indicator that changed status."""
        return [f"{i.code} {status_label(i.status_before)} → {status_label(i.status_now)}"
                for i in self.indicators if i.status_changed]

    @property
    def summary(self) -> str:
        """'3 indikatorer med nya värden · 1 har bytt status · 2 nya eller ändrade insatser'."""
        with_values = sum(1 for i in self.indicators if i.value_news)
        moved = sum(1 for i in self.indicators if i.status_changed)
        parts = [f"{with_values} {'indikator' if with_values == 1 else 'indikatorer'} med nya värden",
                 f"{moved} har bytt status",
                 f"{len(self.actions)} {'ny eller ändrad insats' if len(self.actions) == 1 else 'nya eller ändrade insatser'}"]
        return " · ".join(parts)


@dataclass
class Briefing:
    meeting: dict
    previous: Optional[dict]
    focus_areas: list[FocusBrief]

    @property
    def since_text(self) -> str:
        if self.previous is None:
            return "fram till mötet (inget tidigare möte: alla värden räknas som nya)"
        return f"sedan mötet {self.previous['date'].isoformat()}"


def _known(totals: pd.DataFrame, cutoff: Optional[pd.Timestamp]) -> pd.DataFrame:
    if cutoff is None:
        return totals.iloc[0:0]
    return totals[(totals["created_at"] < cutoff) & totals["value"].notna()]


def _latest(known: pd.DataFrame) -> Optional[tuple[str, float]]:
    if known.empty:
        return None
    row = known.loc[known["period"].map(sort_key).idxmax()]
    return row["period"], float(row["value"])


def _value_text(point: Optional[tuple[str, float]], ind: dict, with_period: bool = False) -> str:
    if point is None:
        return SUPPRESSED
    text = format_number(point[1], int(ind["decimals"]), ind["unit"])
    return f"{text}, {period_from_code(point[0]).label}" if with_period else text


def _comment(known: pd.DataFrame) -> tuple[str, str]:
    said = known[known["comment"].fillna("").str.strip() != ""]
    if said.empty:
        return "", ""
    row = said.loc[said["period"].map(sort_key).idxmax()]
    return str(row["comment"]).strip(), period_from_code(row["period"]).label


def _indicator(ind: dict, series: pd.DataFrame, start, end, before: str, now: str, news: str,
               rule: StatusRule) -> IndicatorBrief:
    known_now, known_then = _known(series, end), _known(series, start)
    latest, then = _latest(known_now), _latest(known_then)
    value = latest[1] if latest else None
    baseline = ind.get("baseline_value")
    baseline = None if baseline is None or baseline != baseline else float(baseline)
    ordered = known_now.assign(key=known_now["period"].map(sort_key)).sort_values("key")
    comment, comment_period = _comment(known_now)
    return IndicatorBrief(
        code=ind["code"], name=ind["name"],
        period_label=period_from_code(latest[0]).label if latest else SUPPRESSED,
        value_text=_value_text(latest, ind),
        since_meeting=change(ind["direction"], value, then[1] if then else None, rule),
        meeting_value_text=_value_text(then, ind, with_period=True),
        since_baseline=change(ind["direction"], value, baseline, rule),
        baseline_text=(f"{format_number(baseline, int(ind['decimals']), ind['unit'])}"
                       + (f" ({period_from_code(ind['baseline_period']).label})" if ind.get("baseline_period") else "")
                       if baseline is not None else SUPPRESSED),
        status_before=before, status_now=now,
        before_text=f"{status_label(before)} ({_value_text(then, ind, with_period=True)})",
        now_text=f"{status_label(now)} ({_value_text(latest, ind, with_period=True)})",
        value_news=news,
        sparkline=[(period_from_code(p).label, float(v), format_number(float(v), int(ind["decimals"]), ind["unit"]))
                   for p, v in zip(ordered["period"], ordered["value"])],
        comment=comment, comment_period_label=comment_period,
    )


def _shown_totals(uow: UnitOfWork, totals: pd.DataFrame) -> pd.DataFrame:
    """The whole-municipality totals without the values the disclosure rule withholds."""
    if totals.empty:
        return totals
    hidden = long_format.withheld_keys(uow, set(totals["indicator_id"]))
    keys = zip(totals["indicator_id"], totals["period"], totals["gender"], totals["area_id"])
    return totals[[k not in hidden for k in keys]]


def _actions(actions: pd.DataFrame) -> list[str]:
    return [f"{r.name} ({r.change}, {label(ACTION_STATUS_LABELS, r.status)})" for r in actions.itertuples()]


def briefing(uow: UnitOfWork, meeting_id: int) -> Briefing:
    """Everything the meeting mode and the Underlag show for one meeting, per focus area."""
    result = changes.changes(uow, meeting_id)
    start, end = result["window"]
    with uow.read() as session:
        focus_areas = queries.focus_areas(session)
    assessments = latest_by_focus_area(uow, written_before=end.to_pydatetime())
    totals = _shown_totals(uow, result["totals"])
    by_indicator = {int(k): g for k, g in totals.groupby("indicator_id")}
    inds = result["indicators"].set_index("id", drop=False)
    before = dict(zip(result["status_changes"]["indicator_id"], result["status_changes"]["before"]))
    now = dict(zip(result["status"]["indicator_id"], result["status"]["status"]))
    news = {int(r.indicator_id): f"{changes.describe_values(r.new, r.updated)} ({r.periods})"
            for r in result["values"].itertuples()}
    rule = rule_from_settings()
    empty = totals.iloc[0:0]
    out = []
    for area in focus_areas.sort_values("number").itertuples():
        part = changes.for_focus_area(result, area.code)
        ids = [int(i) for i in inds.loc[inds["focus_code"] == area.code, "id"] if int(i) in news or int(i) in before]
        briefs = [_indicator(inds.loc[i].to_dict(), by_indicator.get(i, empty), start, end, before.get(i, now[i]),
                             now[i], news.get(i, ""), rule) for i in ids]
        out.append(FocusBrief(area.code, int(area.number), area.name, changes.status_counts(part["status"]), briefs,
                              assessments.get(area.code), _actions(part["actions"])))
    return Briefing(result["meeting"], result["previous"], out)


def shown_statuses(counts: dict[str, int]) -> list[str]:
    """The statuses a focus area has, in the fixed order (the first four when it has none)."""
    return [s for s in STATUSES if counts[s]] or list(STATUSES[:4])
