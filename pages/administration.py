"""Administration (process support only): catalogue health, the indicator catalogue, goals,
organisations, areas, comparison units, users, meetings and the XLSX catalogue round trip.
Every rule lives in indicators/catalogue, indicators/meetings and indicators/access; this page collects
input and shows the answer."""
from datetime import date

import pandas as pd
import streamlit as st

from indicators.catalogue import indicators as catalogue_indicators
from indicators.catalogue import listings, structure
from indicators.meetings import records as meeting_records
from indicators.catalogue.indicators import IndicatorData
from indicators.meetings.records import Attendee, MeetingData
from indicators.catalogue import workbook
from indicators.catalogue import health
from indicators.access import users
from indicators.rules.vocabulary import (
    DIRECTION_LABELS, MEETING_KIND_LABELS, ORG_KIND_LABELS, PERIODICITY_LABELS, ROLE_LABELS, SOURCE_LABELS,
)
from ui.auth import page_actor
from ui.components import attempt
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

ACTOR = page_actor({"admin"})

FLASH_KEY = "administration_flash"
NEW = 0  # select-box key for "create a new row"

actor = ACTOR
st.title("Administration")
if not actor.is_admin:
    st.error("Bara processtödet (admin) kan administrera katalogen och användarna.")
    st.stop()


def flash(message: str, warnings: list[str] = ()) -> None:
    st.session_state[FLASH_KEY] = {"message": message, "warnings": list(warnings)}
    st.rerun()


def run(action, success: str) -> None:
    """Call a service; show its Swedish refusal, or rerun with a success message."""
    done, result = attempt(action)
    if not done:
        return
    warnings = result[1] if isinstance(result, tuple) else result if isinstance(result, list) else []
    flash(success, warnings)


def picker(label: str, frame: pd.DataFrame, describe, key: str, new_label: str) -> int:
    options = [NEW] + [int(i) for i in frame["id"]]
    labels = {int(r["id"]): describe(r) for r in frame.to_dict("records")}
    return st.selectbox(label, options, format_func=lambda i: new_label if i == NEW else labels[i], key=key)


def optional_int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def coded_rows_editor(label: str, frame: pd.DataFrame, key: str, new_label: str, noun: str, blank: dict, *,
                      listed: bool = True, note: str = "", fields=None, active_label: str = "", widths=(1, 3, 1, 1),
                      code_label: str = "Kod", create, edit, delete, delete_help: str) -> None:
    """A list with code and name: its table (``listed``) and ``note``, then pick a row (or a
    new one), edit it in a form, save or create it, or delete it. ``noun`` is the row in
    definite form ("organisationen") for the buttons and messages; ``fields(row, columns)``
    draws the list's own inputs in the columns after code and name and returns their values
    for ``create`` and ``edit``; ``active_label`` adds the active checkbox in the last column
    (it is set when editing, not creating)."""
    if listed:
        st.dataframe(listings.reference_listing(frame), hide_index=True)
    if note:
        st.caption(note)
    chosen = picker(label, frame, lambda r: f"{r['code']} – {r['name']}", key, new_label)
    row = frame.set_index("id").loc[chosen].to_dict() if chosen != NEW else blank
    subject = noun[0].upper() + noun[1:]
    with st.form(f"{key}_form_{chosen}"):
        c1, c2, *columns = st.columns(list(widths))
        code = c1.text_input(code_label, row["code"], disabled=chosen != NEW)
        name = c2.text_input("Namn", row["name"])
        values = fields(row, columns) if fields else {}
        active = {"active": columns[-1].checkbox(active_label, bool(row["active"]), disabled=chosen == NEW)} \
            if active_label else {}
        if st.form_submit_button(f"Spara {noun}"):
            if chosen == NEW:
                run(lambda: create(uow, actor, code=code, name=name, **values), f"{subject} skapades.")
            else:
                run(lambda: edit(uow, actor, chosen, name=name, **values, **active), f"{subject} sparades.")
    if chosen != NEW and st.button(f"Ta bort {noun}", help=delete_help):
        run(lambda: delete(uow, actor, chosen), f"{subject} togs bort.")


if message := st.session_state.pop(FLASH_KEY, None):
    st.success(message["message"])
    for warning in message["warnings"]:
        st.warning(warning)

# --- health panel ---------------------------------------------------------------------

catalogue_health = health.health(uow, today=date.today())
without_target = [p for p in catalogue_health["problems"] if p.endswith("saknar målvärde")]
without_org = [p for p in catalogue_health["problems"] if p.endswith("saknar ansvarig organisation")]
other_problems = [p for p in catalogue_health["problems"] if p not in without_target + without_org]
with st.container(border=True):
    st.subheader("Katalogens hälsa")
    panels = [
        ("Utan målvärde", without_target), ("Utan ansvarig organisation", without_org),
        ("Utan värde för de två senaste perioderna", catalogue_health["stale"]),
        ("Mål utan indikatorer", catalogue_health["goals_without_indicators"]),
    ]
    for column, (label, items) in zip(st.columns(len(panels)), panels):
        column.metric(label, len(items))
    for label, items in panels + [("Övriga problem", other_problems)]:
        if items:
            with st.expander(f"{label} ({len(items)})"):
                st.text("\n".join(items))

ref = structure.reference_data(uow)
org_codes = ref["organisations"]["code"].tolist()
tabs = st.tabs(["Indikatorer", "Mål och fokusområden", "Organisationer", "Områden", "Jämförelseenheter",
                "Användare", "Möten", "Katalog"])

# --- indicators -----------------------------------------------------------------------

with tabs[0]:
    inds = ref["indicators"]
    chosen = picker("Indikator", inds, lambda r: f"{r['code']} – {r['name']}" + ("" if r["active"] else " (avvecklad)"),
                    "adm_ind", "Ny indikator …")
    if chosen == NEW:
        data, version = IndicatorData(code="", name="", focus_area=ref["focus_areas"]["code"].iloc[0],
                                      responsible="KS", program_goals=[]), None
    else:
        data, version = catalogue_indicators.indicator_data(uow, chosen)
    focus = dict(zip(ref["focus_areas"]["code"], ref["focus_areas"]["name"]))
    goals = dict(zip(ref["program_goals"]["number"], ref["program_goals"]["name"]))
    results = dict(zip(ref["result_goals"]["code"], ref["result_goals"]["name"]))
    with st.form(f"adm_ind_form_{chosen}_{version}"):
        c1, c2 = st.columns([1, 3])
        code = c1.text_input("Kod", data.code, disabled=chosen != NEW)
        name = c2.text_input("Namn", data.name)
        definition = st.text_area("Definition", data.definition)
        c1, c2, c3, c4 = st.columns(4)
        unit = c1.text_input("Enhet", data.unit)
        decimals = c2.number_input("Decimaler", 0, 6, int(data.decimals))
        direction = c3.selectbox("Riktning", list(DIRECTION_LABELS), list(DIRECTION_LABELS).index(data.direction),
                                 format_func=DIRECTION_LABELS.get)
        periodicity = c4.selectbox("Periodicitet", list(PERIODICITY_LABELS), list(PERIODICITY_LABELS).index(data.periodicity),
                                   format_func=PERIODICITY_LABELS.get)
        c1, c2, c3 = st.columns(3)
        source_kind = c1.selectbox("Källa", list(SOURCE_LABELS), list(SOURCE_LABELS).index(data.source_kind),
                                   format_func=SOURCE_LABELS.get)
        source_ref = c2.text_input("Källreferens (t.ex. Kolada KPI-id)", data.source_ref)
        source_note = c3.text_input("Källkommentar", data.source_note)
        c1, c2 = st.columns(2)
        responsible = c1.selectbox("Ansvarig organisation", org_codes, org_codes.index(data.responsible))
        focus_area = c2.selectbox("Fokusområde", list(focus), list(focus).index(data.focus_area),
                                  format_func=focus.get)
        program_goals = st.multiselect("Programmål (minst ett)", list(goals), data.program_goals,
                                       format_func=lambda n: f"{n}. {goals[n]}", placeholder="Välj programmål")
        result_goals = st.multiselect("Resultatmål", list(results), data.result_goals, format_func=results.get,
                                      placeholder="Välj resultatmål")
        c1, c2, c3, c4 = st.columns(4)
        by_gender = c1.checkbox("Redovisas per kön", data.by_gender)
        by_area = c2.checkbox("Redovisas per område", data.by_area)
        valid_min = c3.number_input("Lägsta rimliga värde", value=data.valid_min, format="%g")
        valid_max = c4.number_input("Högsta rimliga värde", value=data.valid_max, format="%g")
        c1, c2, c3, c4 = st.columns(4)
        baseline_period = c1.text_input("Utgångsperiod", data.baseline_period or "",
                                        help="t.ex. 2018, 2018H1 eller 2018Q3")
        baseline_value = c2.number_input("Utgångsvärde", value=data.baseline_value, format="%g")
        valid_from = c3.number_input("Aktiv från år", 1900, 2200, value=data.valid_from_year)
        valid_to = c4.number_input("Aktiv till år", 1900, 2200, value=data.valid_to_year)
        needs_count = st.checkbox(
            "Antal krävs för uppdelningar", data.breakdown_needs_count,
            help="Ett värde per kön eller område utan antal i underlaget (n) nekas, så att små tal kan skyddas.")
        c1, c2 = st.columns(2)
        every = c1.number_input("Mäts vart n:e år", 1, 10, value=int(data.report_every_years or 1),
                                help="1 = varje period. Valdeltagande mäts vart 4:e år.")
        anchor = c2.number_input("Mätår att räkna från", 1900, 2200, value=data.report_anchor_year,
                                 help="Ett år med mätning, t.ex. valåret 2018")
        st.caption("Målvärden per år (lägg till eller ta bort rader)")
        targets = st.data_editor(
            pd.DataFrame({"år": list(data.targets), "målvärde": list(data.targets.values())}, dtype=float),
            num_rows="dynamic", hide_index=True, key=f"adm_targets_{chosen}_{version}",
            column_config={"år": st.column_config.NumberColumn("År", format="%d"),
                           "målvärde": st.column_config.NumberColumn("Målvärde", format="%g")},
        )
        active = st.checkbox("Aktiv (avvecklade indikatorer visas inte i rapporteringen)", data.active)
        reason = st.text_input("Anledning till ändringen (sparas i ändringsloggen)")
        saved = st.form_submit_button("Spara indikatorn", type="primary")
    if saved:
        new_data = IndicatorData(
            code=code, name=name, definition=definition, unit=unit, decimals=int(decimals), direction=direction,
            periodicity=periodicity, source_kind=source_kind, source_ref=source_ref, source_note=source_note,
            responsible=responsible, focus_area=focus_area, program_goals=program_goals, result_goals=result_goals,
            by_gender=by_gender, by_area=by_area, breakdown_needs_count=needs_count, valid_min=valid_min, valid_max=valid_max,
            baseline_period=baseline_period or None, baseline_value=baseline_value,
            targets={int(y): float(v) for y,
                     v in zip(targets["år"], targets["målvärde"]) if pd.notna(y) and pd.notna(v)},
            valid_from_year=optional_int(valid_from), valid_to_year=optional_int(valid_to), active=active,
            report_every_years=int(every), report_anchor_year=optional_int(anchor),
        )
        if chosen == NEW:
            run(lambda: catalogue_indicators.create_indicator(uow, actor, new_data),
                f"Indikatorn {code.strip().upper()} skapades.")
        else:
            run(lambda: catalogue_indicators.update_indicator(uow, actor, chosen, new_data, expected_version=version, reason=reason),
                f"Indikatorn {data.code} sparades.")
    if chosen != NEW:
        c1, c2, _ = st.columns([1, 1, 3])
        if data.active and c1.button("Avveckla",
                                     help="Värden och historik finns kvar; indikatorn döljs i rapporteringen."):
            run(lambda: catalogue_indicators.retire_indicator(uow, actor, chosen, expected_version=version),
                f"{data.code} avvecklades.")
        if not data.active and c1.button("Återaktivera"):
            run(lambda: catalogue_indicators.reactivate_indicator(uow, actor, chosen, expected_version=version),
                f"{data.code} är aktiv igen.")
        if c2.button("Ta bort", help="Bara en indikator utan värden kan tas bort."):
            run(lambda: catalogue_indicators.delete_indicator(uow, actor, chosen), f"{data.code} togs bort.")
        changes = catalogue_indicators.definition_changes(uow, chosen)
        if changes:
            st.caption("Definition eller enhet ändrad: " + ", ".join(f"{d.isoformat()} ({f})" for d, f in changes))

# --- goals and focus areas ------------------------------------------------------------

def numbered_texts_editor(frame: pd.DataFrame, key: str, edit, saved: str, *, short_name: bool = False) -> None:
    """Program goals or focus areas, one form per row: the numbers are the program's own,
    only the texts can change."""
    for row in frame.to_dict("records"):
        with st.expander(f"{row['number']}. {row['name']}"):
            with st.form(f"{key}_{row['id']}"):
                texts = {"name": st.text_input("Namn", row["name"])}
                if short_name:
                    texts["short_name"] = st.text_input("Kortnamn", row["short_name"])
                texts["description"] = st.text_area("Beskrivning", row["description"])
                if st.form_submit_button("Spara"):
                    run(lambda: edit(uow, actor, row["id"], **texts), saved)


def result_goal_fields(row: dict, columns: list) -> dict:
    """A result goal's own inputs: the validity years beside code and name, the description below."""
    valid_from = columns[0].number_input("Giltigt från år", 1900, 2200, optional_int(row["valid_from_year"]))
    valid_to = columns[1].number_input("Giltigt till år", 1900, 2200, optional_int(row["valid_to_year"]))
    description = st.text_area("Beskrivning", row["description"])
    return {"description": description, "valid_from_year": optional_int(valid_from),
            "valid_to_year": optional_int(valid_to)}


with tabs[1]:
    st.subheader("Programmål")
    st.caption("Numren är programmets egna; bara texten kan ändras.")
    numbered_texts_editor(ref["program_goals"], "adm_goal", structure.edit_program_goal, "Programmålet sparades.")
    st.subheader("Fokusområden")
    numbered_texts_editor(ref["focus_areas"], "adm_focus", structure.edit_focus_area, "Fokusområdet sparades.",
                          short_name=True)
    st.subheader("Resultatmål")
    coded_rows_editor("Resultatmål", ref["result_goals"], "adm_rg", "Nytt resultatmål …", "resultatmålet",
                      {"code": "", "name": "", "description": "", "valid_from_year": date.today().year,
                       "valid_to_year": None}, listed=False,
                      note="Resultatmål revideras varje mandatperiod: avsluta ett mål genom att ange giltigt till-år.",
                      fields=result_goal_fields, create=structure.create_result_goal, edit=structure.edit_result_goal,
                      delete=structure.delete_result_goal, delete_help="Bara ett mål utan indikatorer kan tas bort.")

# --- organisations, areas, comparison units --------------------------------------------

with tabs[2]:
    coded_rows_editor(
        "Organisation", ref["organisations"], "adm_org", "Ny organisation …", "organisationen",
        {"code": "", "name": "", "kind": "nämnd", "active": True},
        fields=lambda row, columns: {"kind": columns[0].selectbox(
            "Typ", list(ORG_KIND_LABELS), list(ORG_KIND_LABELS).index(row["kind"]), format_func=ORG_KIND_LABELS.get)},
        active_label="Aktiv", create=structure.create_organisation, edit=structure.edit_organisation,
        delete=structure.delete_organisation, delete_help="Bara en oanvänd organisation kan tas bort.")

with tabs[3]:
    coded_rows_editor(
        "Område", ref["areas"], "adm_area", "Nytt område …", "området",
        {"code": "", "name": "", "sort_order": len(ref["areas"]), "active": True},
        note="Det finns alltid exakt ett totalområde (hela kommunen). Använd neutrala namn på områden.",
        fields=lambda row, columns: {"sort_order": int(columns[0].number_input("Ordning", 0, 1000, int(row["sort_order"])))},
        active_label="Aktivt", create=structure.create_area, edit=structure.edit_area,
        delete=structure.delete_area, delete_help="Bara ett område utan värden kan tas bort.")

with tabs[4]:
    coded_rows_editor(
        "Jämförelseenhet", ref["comparison_units"], "adm_unit", "Ny jämförelseenhet …", "jämförelseenheten",
        {"code": "", "name": "", "active": True}, widths=(1, 3, 1),
        code_label="Kod (Koladas kommun-id, t.ex. 0000 för riket)", active_label="Aktiv",
        create=structure.create_comparison_unit, edit=structure.edit_comparison_unit,
        delete=structure.delete_comparison_unit, delete_help="Bara en enhet utan jämförelsevärden kan tas bort.")

# --- users ------------------------------------------------------------------------------

with tabs[5]:
    user_rows = users.list_users(uow)
    st.dataframe(listings.users_listing(user_rows), hide_index=True)
    st.subheader("Lägg till användare")
    with st.form("adm_user_add", clear_on_submit=True):
        c1, c2 = st.columns(2)
        email = c1.text_input("E-post")
        display_name = c2.text_input("Visningsnamn (valfritt)")
        role = c1.selectbox("Roll", users.ROLES, users.ROLES.index(users.LEAST_PRIVILEGED_ROLE),
                            format_func=ROLE_LABELS.get)
        orgs = c2.multiselect("Organisationer (krävs för tjänsteperson)", org_codes,
                              placeholder="Välj organisationer")
        password = st.text_input("Första lösenord (tomt: bara inloggning med organisationens konto)", type="password")
        if st.form_submit_button("Lägg till"):
            run(lambda: users.create_user(uow, actor, email, role, orgs=orgs, password=password or None, display_name=display_name),
                "Användaren skapades.")
    if user_rows:
        st.subheader("Ändra användare")
        by_email = {u["e-post"]: u for u in user_rows}
        email = st.selectbox("Användare", list(by_email), key="adm_user_pick")
        user = by_email[email]
        current_orgs = [c for c in user["organisationer"].split(", ") if c]
        with st.form(f"adm_user_edit_{email}"):
            c1, c2, c3 = st.columns([1, 2, 1])
            role = c1.selectbox("Roll", users.ROLES, users.ROLES.index(user["roll"]), format_func=ROLE_LABELS.get)
            orgs = c2.multiselect("Organisationer", org_codes, current_orgs, placeholder="Välj organisationer")
            active = c3.checkbox("Aktiv", bool(user["aktiv"]))
            password = st.text_input(f"Nytt lösenord (tomt: oförändrat; minst {users.MIN_PASSWORD_LENGTH} tecken)",
                                     type="password")
            must_change = st.checkbox("Måste bytas vid nästa inloggning", True,
                                      help="Återställning: användaren loggas ut och väljer ett eget lösenord.")
            if st.form_submit_button("Spara användaren"):
                run(lambda: users.update_user(uow, actor, email, role=role, orgs=orgs, active=active,
                                              password=password or None, must_change_password=must_change),
                    "Användaren sparades.")

# --- meetings -----------------------------------------------------------------------------

with tabs[6]:
    seats = meeting_records.working_group_seats()
    meetings = meeting_records.meeting_list(uow)
    chosen_meeting = picker("Möte", meetings, lambda r: f"{r['date']} {r['kind']} – {r['title']}", "adm_meeting",
                            "Nytt möte …")
    if chosen_meeting == NEW:
        meeting, version = MeetingData(date=date.today(), attendees=meeting_records.default_attendees(seats),
                                       distribution=meeting_records.default_distribution(seats)), None
    else:
        meeting, version = meeting_records.meeting_data(uow, chosen_meeting)
    st.caption("Arbetsgruppen har två ordinarie möten per år och ett extra vid behov. Deltagare anges per plats; namn är valfria.")
    with st.form(f"adm_meeting_form_{chosen_meeting}_{version}"):
        c1, c2, c3 = st.columns([1, 1, 3])
        day = c1.date_input("Datum", meeting.date, format="YYYY-MM-DD")
        kind = c2.selectbox("Typ", list(MEETING_KIND_LABELS), list(MEETING_KIND_LABELS).index(meeting.kind),
                            format_func=MEETING_KIND_LABELS.get)
        title = c3.text_input("Rubrik", meeting.title)
        attendees = st.data_editor(
            pd.DataFrame([vars(a) for a in meeting.attendees], columns=["organisation", "name", "present"]),
            num_rows="dynamic", hide_index=True, key=f"adm_attendees_{chosen_meeting}_{version}",
            column_config={"organisation": st.column_config.SelectboxColumn("Organisation", options=org_codes, required=True),
                           "name": st.column_config.TextColumn("Plats eller namn"),
                           "present": st.column_config.CheckboxColumn("Närvarande", default=True)},
        )
        agenda = st.text_area("Dagordning", meeting.agenda)
        notes = st.text_area("Minnesanteckningar", meeting.notes)
        decisions = st.text_area("Beslut", meeting.decisions)
        distribution = st.multiselect("Sändlista (minnesanteckningarna går till KS och de representerade nämnderna)",
                                      org_codes, meeting.distribution, placeholder="Välj organisationer")
        saved = st.form_submit_button("Spara mötet", type="primary")
    if saved:
        new_meeting = MeetingData(
            date=day, kind=kind, title=title, agenda=agenda, notes=notes, decisions=decisions, distribution=distribution,
            attendees=[Attendee(r["organisation"], r["name"] or "", bool(r["present"]))
                       for r in attendees.to_dict("records") if r["organisation"]],
        )
        if chosen_meeting == NEW:
            run(lambda: meeting_records.create_meeting(uow, actor, new_meeting), "Mötet sparades.")
        else:
            run(lambda: meeting_records.update_meeting(uow, actor, chosen_meeting, new_meeting, expected_version=version),
                "Mötet sparades.")

# --- catalogue XLSX -------------------------------------------------------------------------

with tabs[7]:
    st.write("Hela indikatorkatalogen som Excel-fil: ändra i filen och läs in den igen. Raderna matchas på kod; "
             "en inläsning är allt eller inget.")
    st.download_button("Ladda ner katalogen (.xlsx)", workbook.export_catalogue_xlsx(uow),
                       file_name=f"indikatorkatalog-{date.today().isoformat()}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload = st.file_uploader("Läs in en ändrad katalog", type=["xlsx"])
    if upload is not None and st.button("Läs in katalogen", type="primary"):
        done, report = attempt(lambda: workbook.import_catalogue_xlsx(uow, actor, upload.getvalue()))
        if done:
            if report.ok:
                st.success(report.summary())
                for label, codes in (("Nya", report.created), ("Ändrade", report.updated)):
                    if codes:
                        st.text(f"{label}: {', '.join(codes)}")
            else:
                st.error(report.summary())
                st.dataframe(pd.DataFrame({"Fel": report.errors}), hide_index=True)
