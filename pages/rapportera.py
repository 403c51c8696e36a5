"""Rapportera: the official enters this period's values, one indicator at a time.
All rules (parsing, ranges, plausibility, locks, permissions, versions) live in
indicators.reporting.values; this page only collects the input and shows the answer."""
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from indicators.rules import periods
from indicators.reporting import history
from indicators.reporting import outcomes
from indicators.reporting import sheets
from indicators.reporting import values
from indicators.reporting import rounds
from indicators.rules.formatting import shown_number
from indicators.rules.vocabulary import COMMENT_REVIEW_LABELS
from ui.components import attempt, md_escape
from ui.auth import page_actor
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

ACTOR = page_actor({"admin", "official"})

FLASH_KEY = "rapportera_flash"

actor = ACTOR
today = date.today()
st.title("Rapportera")
st.caption("Skriv värden med decimalkomma, t.ex. 12,5. Alla värden för indikatorn sparas tillsammans – eller inget. "
           "Saknas ett värde? Lämna värdet tomt och skriv skälet i kommentaren: då räknas det som rapporterat. "
           "Antal i underlaget är hur många personer (eller motsvarande) värdet bygger på, som heltal; små antal "
           "skyddas vid publicering. Ändrar du ett värde, ange antalet för det nya värdet.")

current = rounds.current_round(uow)
if current is not None:
    with st.container(border=True):
        mine = None if actor.is_admin else set(actor.org_ids)
        st.markdown(f"**Rapportomgång {current.label}** · sista dag {current.due_date.isoformat()}")
        table = rounds.board_table(current, mine)
        if table.empty:
            st.caption("Dina nämnder har inga indikatorer i den här omgången.")
        else:
            st.dataframe(table, hide_index=True, width="stretch")
        for board in current.boards:
            if (mine is not None and board.org_id not in mine) or board.state != rounds.OPEN:
                continue
            if st.button(f"Klarmarkera {board.org_code}", key=f"rapportera_submit|{current.period}|{board.org_code}",
                         disabled=not board.complete,
                         help="Möjligt när alla förväntade värden är inmatade eller har ett skäl till att de saknas."):
                done, _ = attempt(lambda: rounds.submit(uow, actor, current.period, board.org_code))
                if done:
                    st.session_state[FLASH_KEY] = {"message": f"{board.org_code} är klarmarkerad för {current.label}.",
                                                   "rows": [], "warnings": []}
                    st.rerun()

choices = sheets.period_choices(uow, today)
default = periods.current_reporting_period(today).code
period = st.selectbox(
    "Period", choices, index=choices.index(default) if default in choices else 0,
    format_func=lambda code: periods.period_from_code(code).label, key="rapportera_period",
    help="Indikatorer som rapporteras per halvår eller år visar den period som var aktuell då.",
)
sheet = sheets.reporting_sheet(uow, actor, period, today=today)

if flash := st.session_state.pop(FLASH_KEY, None):
    st.success(flash["message"])
    if flash["rows"]:
        st.dataframe(pd.DataFrame(flash["rows"]), hide_index=True)
    for warning in flash["warnings"]:
        st.info(warning)

if not sheet.items:
    st.info("Du har inga indikatorer att rapportera för den här perioden.")
    st.stop()

st.subheader("Dina indikatorer")
st.caption("Indikatorer som saknar värden står först.")
st.dataframe(sheets.sheet_overview(sheet), hide_index=True, width="stretch")

items = {item.code: item for item in sheet.items}
code = st.selectbox("Indikator att rapportera", list(items), key="rapportera_indicator",
                    format_func=lambda c: f"{c} – {items[c].name} ({items[c].period_label})")
item = items[code]
seen_key = f"rapportera_seen|{item.code}|{item.period}"


def widget_key(cell, part: str) -> str:
    return f"rap|{item.code}|{item.period}|{cell.key}|{part}"


def reload_item() -> None:
    """Forget what was read and typed for this indicator, so the stored values show again."""
    st.session_state.pop(seen_key, None)
    for cell in item.cells:
        for part in ("v", "n", "c", "s", "r"):
            st.session_state.pop(widget_key(cell, part), None)


# The versions shown in the form, kept across reruns: saving compares against them.
if seen_key not in st.session_state:
    st.session_state[seen_key] = {cell.key: cell.version for cell in item.cells}

with st.container(border=True):
    st.markdown(f"**{md_escape(item.code)} {md_escape(item.name)}**")
    facts = [f"Period: {item.period_label}", f"Föregående period: {item.previous_period}"]
    facts += [f"Enhet: {item.unit}"] if item.unit else []
    facts += [f"Giltigt intervall: {item.range_text}"] if item.range_text else []
    st.caption(" · ".join(facts))
    if item.locked:
        st.warning("Perioden är låst. " + ("Ange ett skäl för att ändra." if actor.is_admin else "Kontakta processtödet för ändringar."))
    with st.form(f"rapportera_form|{item.code}|{item.period}"):
        widths = [3, 2, 2, 2, 4, 2]
        head = st.columns(widths)
        for column, title in zip(head, ("Kön, område", "Föregående", "Värde", "Antal i underlaget", "Kommentar",
                                        "Preliminär/slutlig")):
            column.caption(title)
        inputs = {}
        for cell in item.cells:
            c1, c2, c3, c_n, c4, c5 = st.columns(widths)
            c1.text(cell.label)
            if cell.protected:  # the official sees the real value; outside the organisation it is withheld
                c1.caption("🔒 skyddas vid publicering")
            c2.text(shown_number(cell.previous_value) if cell.previous_value is not None else "–")
            inputs[cell.key] = {
                "value": c3.text_input(f"Värde, {cell.label}", value=cell.value_text, key=widget_key(cell, "v"),
                                       placeholder="t.ex. 12,5", label_visibility="collapsed"),
                "count": c_n.text_input(f"Antal i underlaget, {cell.label}", value=cell.count_text,
                                        key=widget_key(cell, "n"), placeholder="n", label_visibility="collapsed"),
                "comment": c4.text_input(f"Kommentar, {cell.label}", value=cell.comment or cell.missing_reason,
                                         key=widget_key(cell, "c"),
                                         label_visibility="collapsed"),
                "status": c5.selectbox(f"Preliminär/slutlig, {cell.label}", outcomes.STATUSES,
                                       index=outcomes.STATUSES.index(cell.status),
                                       key=widget_key(cell, "s"), label_visibility="collapsed"),
            }
            if cell.comment and cell.value is not None:
                # A comment written for this value is not carried over silently to a corrected one.
                c4.text(f"Tidigare kommentar: {cell.comment}")  # literally, never as Markdown
                inputs[cell.key]["review"] = c4.radio(
                    f"Om värdet ändras: kommentaren för {md_escape(cell.label)}", list(COMMENT_REVIEW_LABELS), index=None,
                    format_func=COMMENT_REVIEW_LABELS.get, key=widget_key(cell, "r"), horizontal=True,
                    help="Ändras värdet måste du välja om den tidigare kommentaren ska behållas, ändras "
                         "(skriv den nya ovan) eller tas bort.")
        reason = None
        if item.locked and actor.is_admin:
            reason = st.text_input("Skäl för ändring i låst period",
                                   key=f"rapportera_reason|{item.code}|{item.period}")
        submitted = st.form_submit_button("Spara", type="primary")
    if any(cell.protected for cell in item.cells):
        st.caption("Värden märkta *skyddas vid publicering* visas för dig men inte för andra: underlaget är "
                   "för litet, eller värdet skulle avslöja ett sådant värde. På sidor, i exporter och i "
                   "årsuppföljningen står de som –.")

PENDING_KEY = f"rapportera_pending|{item.code}|{item.period}"  # an open "Menade du …?" question
REFUSED_KEY = f"rapportera_refused|{item.code}|{item.period}"  # a refusal answered in a callback


def record(result, entries) -> bool:
    """What a save answered: on success the summary to flash; else the plausibility question
    ("Menade du 36,9 %?"), kept so the user can answer it below."""
    if not result.ok:
        st.session_state[PENDING_KEY] = (entries, result.questions) if result.questions else None
        return False
    counts = result.counts()
    st.session_state.pop(PENDING_KEY, None)
    st.session_state.pop(seen_key, None)
    st.session_state[FLASH_KEY] = {
        "message": f"Sparat för {item.code} {item.period_label}: {counts[outcomes.CREATED]} nya, "
                   f"{counts[outcomes.UPDATED]} ändrade, {counts[outcomes.UNCHANGED]} oförändrade.",
        "rows": [{"Kön, område": o.label, "Värde": shown_number(o.new_value), "Antal i underlaget":
                  "" if o.count_n is None else str(o.count_n), "Preliminär/slutlig": o.status, "Åtgärd": o.action}
                 for o in result.outcomes if o.action != outcomes.UNCHANGED],
        "warnings": [str(w) for w in result.warnings],
    }
    return True


def show_refusal(result) -> None:
    st.error("Inget sparades. Rätta felen nedan och spara igen.")
    for problem in result.errors:
        st.text(str(problem))
    if any(p.kind == outcomes.JUMP for p in result.errors):
        st.warning("Ett värde skiljer sig mycket från föregående period: skriv en kommentar som förklarar förändringen.")
    if any(p.kind == outcomes.REVIEW for p in result.errors):
        st.warning("Du har ändrat ett värde som har en kommentar. Välj under kommentaren om den ska behållas, "
                   "ändras eller tas bort, och spara igen.")
    if any(p.kind == outcomes.CONFLICT for p in result.errors):
        st.warning("Någon annan har ändrat värden sedan du läste dem. Läs in de aktuella värdena och försök igen.")
        st.button("Läs in aktuella värden", on_click=reload_item, key="rapportera_reload")


def slip_key(index: int) -> str:
    return f"rapportera_slip|{item.code}|{item.period}|{index}"


def answer(entries, questions: dict, lock_reason) -> None:
    """The explicit choice (a callback, before the page runs again): the value meant, or the
    value as typed, confirmed. On success the form shows the value chosen."""
    chosen = list(entries)
    for index, meant in questions.items():
        typed = st.session_state.get(slip_key(index), "") == f"Spara {str(entries[index].value).strip()} %"
        chosen[index] = replace(entries[index], confirmed=True) if typed else \
            replace(entries[index], value=shown_number(meant))
    result = values.save_values(uow, actor, chosen, today=today, lock_reason=lock_reason)
    if not record(result, chosen):
        st.session_state[REFUSED_KEY] = result
        return
    for index in questions:  # the form shows the value chosen, not the one typed
        e = chosen[index]
        st.session_state[f"rap|{item.code}|{item.period}|{e.gender}|{e.area}|v"] = str(e.value)


if submitted:
    st.session_state.pop(PENDING_KEY, None)
    entries = sheets.entries_for_item(item, inputs, st.session_state[seen_key])
    if not entries:
        st.info("Inga värden att spara.")
    else:
        result = values.save_values(uow, actor, entries, today=today, lock_reason=reason)
        if record(result, entries):
            st.rerun()
        show_refusal(result)

if refused := st.session_state.pop(REFUSED_KEY, None):
    show_refusal(refused)

if pending := st.session_state.get(PENDING_KEY):
    entries, questions = pending
    with st.container(border=True):
        st.markdown("**Menade du …?** Värdet ser ut att vara skrivet i fel enhet. Välj vilket värde som ska sparas "
                    "– en kommentar räcker inte.")
        answered = []
        for index, meant in questions.items():
            options = [f"Spara {shown_number(meant)} %", f"Spara {str(entries[index].value).strip()} %"]
            answered.append(st.radio(entries[index].label, options, index=None, horizontal=True,
                                     key=slip_key(index)) is not None)
        st.button("Spara med valen", type="primary", disabled=not all(answered), key="rapportera_slip_save",
                  on_click=answer, args=(entries, questions, reason))

with st.expander("Ändringshistorik"):
    events = history.history(uow, item.code)
    if events.empty:
        st.caption("Inga ändringar registrerade.")
    else:
        st.dataframe(events, hide_index=True, width="stretch")
