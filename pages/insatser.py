"""Insatser: the plan's actions, sortable by priority or cost, with totals per focus area
and per organisation; admins edit all actions, officials those of their own organisation.
Rules (validation, permissions, versions) live in indicators.catalogue.actions."""
from datetime import date

import pandas as pd
import streamlit as st

from indicators.catalogue import actions, structure
from indicators.catalogue.actions import ActionData
from indicators.rules.formatting import format_kronor
from indicators.rules.vocabulary import ACTION_STATUS_LABELS
from indicators.access.permissions import allowed
from ui.auth import page_actor
from ui.components import attempt, md_escape
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

ACTOR = page_actor({"admin", "official"})

FLASH_KEY = "insatser_flash"
NEW = 0
SORTS = {"priority": "Prioritet (1 = högst)", "cost": "Kostnad (högst först)"}

actor = ACTOR
st.title("Insatser")
if actor.role not in ("admin", "official"):
    st.error("Bara processtödet och tjänstepersoner kan se och ändra insatser här.")
    st.stop()
st.caption("Varje åtgärd ska motiveras av ett eller flera av programmets mål. Insatserna behöver "
           "kostnadsberäkning och politisk prioritering.")

if message := st.session_state.pop(FLASH_KEY, None):
    st.success(message)

sort_by = st.radio("Sortera efter", list(SORTS), format_func=SORTS.get, horizontal=True, key="insatser_sort")
action_table = actions.action_list(uow, sort_by)
totals = actions.action_totals(action_table)

table = action_table.assign(cost_text=action_table["cost_estimate"].map(lambda v: format_kronor(None if pd.isna(v) else int(v))))
st.dataframe(
    table[["priority", "name", "cost_text", "status", "focus_name", "organisations", "program_goals",
           "start_date", "end_date", "indicators"]],
    hide_index=True, width="stretch",
    column_config={
        "priority": st.column_config.NumberColumn("Prio", format="%d", width="small"),
        "name": st.column_config.TextColumn("Insats", width="large"), "focus_name": "Fokusområde", "status": "Status",
        "organisations": "Ansvariga", "program_goals": "Programmål", "cost_text": "Kostnad",
        "start_date": st.column_config.DateColumn("Start", format="YYYY-MM-DD"),
        "end_date": st.column_config.DateColumn("Slut", format="YYYY-MM-DD"), "indicators": "Indikatorer",
    },
)
st.markdown(f"**Total kostnadsberäkning: {format_kronor(totals['total'])}**")
c1, c2 = st.columns(2)
for column, title, key in ((c1, "Per fokusområde", "focus_area"), (c2, "Per organisation", "organisation")):
    frame = totals[key]
    column.subheader(title)
    shown = frame.assign(kostnad=frame["kostnad (kr)"].map(format_kronor)).drop(columns="kostnad (kr)")
    column.dataframe(shown, hide_index=True)
with c2:
    st.caption("En insats med flera ansvariga räknas med hela kostnaden hos var och en.")

# --- create / edit -----------------------------------------------------------------------

st.header("Ny eller ändrad insats")
editable = action_table[[allowed(actor, "write_actions", ids if isinstance(ids, list) else []) for ids in action_table["org_ids"]]]
labels = {int(r.id): r.name for r in editable.itertuples()}
chosen = st.selectbox("Insats", [NEW] + list(labels), format_func=lambda i: "Ny insats …" if i == NEW else labels[i],
                      key="insatser_pick")
reference = structure.reference_data(uow)
orgs = reference["organisations"]
org_codes = orgs.loc[orgs["active"], "code"].tolist()
own_codes = orgs.loc[orgs["id"].isin(actor.org_ids), "code"].tolist()
focus = dict(zip(reference["focus_areas"]["code"], reference["focus_areas"]["name"]))
goals = dict(zip(reference["program_goals"]["number"], reference["program_goals"]["name"]))
indicator_codes = reference["indicators"].loc[reference["indicators"]["active"], "code"].tolist()
if chosen == NEW:
    data, version = ActionData(name="", focus_area=next(iter(focus)), program_goals=[],
                               organisations=[] if actor.is_admin else own_codes), None
else:
    data, version = actions.action_data(uow, chosen)

with st.form(f"insatser_form_{chosen}_{version}"):
    name = st.text_input("Namn", data.name)
    description = st.text_area("Beskrivning", data.description)
    c1, c2 = st.columns(2)
    focus_area = c1.selectbox("Fokusområde", list(focus), list(focus).index(data.focus_area), format_func=focus.get)
    status = c2.selectbox("Status", list(ACTION_STATUS_LABELS), list(ACTION_STATUS_LABELS).index(data.status),
                          format_func=ACTION_STATUS_LABELS.get)
    program_goals = st.multiselect("Programmål (minst ett)", list(goals), data.program_goals,
                                   format_func=lambda n: f"{n}. {goals[n]}", placeholder="Välj programmål")
    organisations = st.multiselect("Ansvariga organisationer", sorted(set(org_codes) | set(data.organisations)),
                                   data.organisations, placeholder="Välj organisationer")
    c1, c2, c3, c4 = st.columns(4)
    start = c1.date_input("Start", data.start_date, format="YYYY-MM-DD")
    end = c2.date_input("Slut", data.end_date, format="YYYY-MM-DD")
    cost = c3.text_input("Kostnadsberäkning (kr)", "" if data.cost_estimate is None else str(data.cost_estimate),
                         help="Heltal i kronor, t.ex. 250 000")
    priority = c4.number_input("Prioritet (1 = högst)", min_value=1, value=data.priority, step=1)
    linked = st.multiselect("Indikatorer som insatsen ska påverka", sorted(set(indicator_codes) | set(data.indicators)),
                            data.indicators, placeholder="Välj indikatorer")
    saved = st.form_submit_button("Spara insatsen", type="primary")

if saved:
    new_data = ActionData(
        name=name, description=description, focus_area=focus_area, program_goals=program_goals,
        organisations=organisations, status=status, start_date=start if isinstance(start, date) else None,
        end_date=end if isinstance(end, date) else None, cost_estimate=cost,
        priority=None if priority is None else int(priority), indicators=linked,
    )
    if chosen == NEW:
        done, _ = attempt(lambda: actions.create_action(uow, actor, new_data), "Inget sparades.")
    else:
        done, _ = attempt(lambda: actions.update_action(uow, actor, chosen, new_data, expected_version=version),
                          "Inget sparades.")
    if done:
        st.session_state[FLASH_KEY] = f"Insatsen '{md_escape(new_data.name.strip())}' sparades."
        st.rerun()
