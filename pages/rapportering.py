"""Rapportering (admin): open a reporting round with a due date, follow each board's progress,
Godkänn or Återöppna, completeness and timeliness over the rounds, and the e-mail outbox.
All rules live in indicators.reporting.rounds and .reminders."""
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from indicators.reporting import reminders, rounds, sheets
from indicators.rules import periods
from indicators.rules.formatting import format_number, plotly_separators
from indicators.rules.vocabulary import SUBMISSION_STATE_LABELS
from indicators.unit_of_work import UnitOfWork
from ui.auth import page_actor
from ui.components import attempt

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

actor = page_actor({"admin"})
today = date.today()

st.title("Rapportering")
st.caption("En rapportomgång per period: nämndernas tjänstepersoner rapporterar och klarmarkerar, "
           "processtödet godkänner (värdena låses) eller återöppnar med ett skäl.")

if flash := st.session_state.pop("rapportering_flash", None):
    st.success(flash)

all_rounds = rounds.all_rounds(uow)
opened = {r.period for r in all_rounds}

with st.expander("Öppna en rapportomgång", expanded=not all_rounds):
    choices = [c for c in sheets.period_choices(uow, today) if c not in opened and periods.period_from_code(c).kind == "quarter"]
    if not choices:
        st.caption("Alla avslutade kvartal har redan en rapportomgång.")
    else:
        period = st.selectbox("Period", choices, format_func=lambda c: periods.period_from_code(c).label,
                              key="rapportering_period")
        due = st.date_input("Sista dag för rapportering", value=rounds.default_due_date(period),
                            format="YYYY-MM-DD", key=f"rapportering_due|{period}")
        if st.button("Öppna omgången", type="primary", key="rapportering_open"):
            done, _ = attempt(lambda: rounds.open_round(uow, actor, period, due_date=due, today=today))
            if done:
                st.session_state["rapportering_flash"] = (f"Rapportomgången {periods.period_from_code(period).label} "
                                                          f"är öppnad; sista dag {due.isoformat()}.")
                st.rerun()

if not all_rounds:
    st.info("Ingen rapportomgång är öppnad ännu.")
    st.stop()

labels = {r.period: r.label for r in all_rounds}
chosen = st.selectbox("Rapportomgång", list(labels), format_func=labels.get, key="rapportering_round")
status = next(r for r in all_rounds if r.period == chosen)

c1, c2, c3 = st.columns(3)
c1.metric("Sista dag", status.due_date.isoformat())
c2.metric("Fullständighet", format_number(100 * rounds.completeness(status.boards), 1, "%"),
          help="Andel av de förväntade värdena som är inmatade (värde eller skäl till att det saknas).")
c3.metric("I tid", format_number(100 * rounds.timeliness(status.boards, status.due_date), 1, "%"),
          help="Andel av nämnderna som klarmarkerade senast sista dagen (svensk tid).")

st.subheader("Nämnderna")
st.dataframe(rounds.board_table(status), hide_index=True, width="stretch")

boards = {b.org_code: b for b in status.boards}
code = st.selectbox("Nämnd", list(boards), key=f"rapportering_board|{chosen}",
                    format_func=lambda c: f"{c} – {boards[c].org_name} ({SUBMISSION_STATE_LABELS[boards[c].state]})")
selected = boards[code]
if selected.missing:
    with st.expander(f"Saknade värden för {code} ({len(selected.missing)})"):
        st.text("\n".join(selected.missing))
left, right = st.columns(2)
with left:
    if st.button("Godkänn", type="primary", disabled=selected.state != rounds.SUBMITTED, key="rapportering_approve",
                 help="Godkänn låser nämndens värden för omgången. Nämnden måste först klarmarkera."):
        done, _ = attempt(lambda: rounds.approve(uow, actor, chosen, code))
        if done:
            st.session_state["rapportering_flash"] = f"{code} är godkänd för {status.label}; värdena är låsta."
            st.rerun()
with right:
    reason = st.text_input("Skäl för att återöppna", key=f"rapportering_reason|{chosen}|{code}",
                           disabled=selected.state == rounds.OPEN)
    if st.button("Återöppna", disabled=selected.state == rounds.OPEN, key="rapportering_reopen"):
        done, _ = attempt(lambda: rounds.reopen(uow, actor, chosen, code, reason))
        if done:
            st.session_state["rapportering_flash"] = f"{code} är återöppnad för {status.label}."
            st.rerun()

st.header("Historik över omgångarna")
history = rounds.history(all_rounds)
overall = history[history["Nämnd"] == "Alla"]
figure = go.Figure()
for column, dash in (("Fullständighet (%)", "solid"), ("I tid (%)", "dash")):
    figure.add_trace(go.Scatter(x=overall["Omgång"], y=overall[column], name=column.replace(" (%)", ""),
                                mode="lines+markers", line={"dash": dash, "width": 3}))
figure.update_layout(separators=plotly_separators(), yaxis={"title": "procent", "range": [0, 105]},
                     xaxis={"title": "rapportomgång", "type": "category"}, height=320, margin={"t": 20})
st.plotly_chart(figure, width="stretch")
per_board = history[history["Nämnd"] != "Alla"].copy()
for column in ("Fullständighet (%)", "I tid (%)"):
    per_board[column] = per_board[column].map(lambda v: format_number(v, 1, "%"))
st.dataframe(per_board.drop(columns="period"), hide_index=True, width="stretch")

st.header("E-post")
st.caption("Inbjudan när en omgång öppnas, påminnelse före sista dagen, besked om försenad rapportering och "
           "bekräftelse vid godkännande skickas av `python cli.py remind`, som körs varje timme (cron eller "
           "systemd-timer). Ett meddelande skickas aldrig två gånger; misslyckade försök görs om vid nästa körning.")
box = reminders.outbox(uow)
if box.empty:
    st.caption("Inga meddelanden ännu.")
else:
    failed = box[(box["Senaste fel"] != "–")]
    if not failed.empty:
        st.warning(f"{len(failed)} meddelanden kunde inte skickas och väntar på nästa försök.")
    st.dataframe(box, hide_index=True, width="stretch")
