"""Importera: upload values in the long format (XLSX or CSV), preview every row, then
apply all or nothing. Also the pre-filled template and, for admins, period locks."""
from datetime import date

import streamlit as st

from indicators.reporting import file_import, import_template
from indicators.rules import periods
from indicators.reporting import locks
from indicators.reporting import outcomes
from indicators.reporting import sheets
from indicators.rules.vocabulary import COMMENT_KEEP, COMMENT_REMOVE, COMMENT_REVIEW_LABELS
from ui.auth import page_actor
from ui.components import attempt
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

ACTOR = page_actor({"admin", "official"})

PREVIEW_KEY = "importera_preview"
SHOWN_ERRORS = 20


def asked_of_you(kinds: set[str]) -> str:
    """What the user must answer before the file can be imported, in the order the page asks it
    (the plausibility question first: the other choices are shown once it is answered)."""
    if outcomes.SLIP in kinds:
        return "svara på frågan om värdenas rimlighet (rutan under tabellen)"
    asks = {outcomes.REVIEW: "välja vad som händer med tidigare kommentarer till rättade värden",
            outcomes.LOCKED: "ange ett skäl för ändringen i låst period"}
    return " och ".join(text for kind, text in asks.items() if kind in kinds)


actor = ACTOR
today = date.today()
st.title("Importera")
st.caption("Kolumner: indikator;period;kön;område;värde;kommentar, och valfritt antal (antal i underlaget, "
           "ett heltal). Tomma värden hoppas över. Importen sparar alla rader eller ingen.")

with st.expander("Ladda ner mall"):
    choices = sheets.period_choices(uow, today)
    default = periods.current_reporting_period(today).code
    period = st.selectbox("Period", choices, index=choices.index(default) if default in choices else 0,
                          format_func=lambda code: periods.period_from_code(code).label, key="importera_mall_period")
    st.download_button(
        "Ladda ner mall (xlsx)", data=import_template.template_xlsx(uow, actor, period, today=today),
        file_name=f"rapportering_{period}.xlsx", key="importera_mall",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

uploaded = st.file_uploader("Fil att importera", type=["xlsx", "csv"], key="importera_fil")
if uploaded is None:
    st.session_state.pop(PREVIEW_KEY, None)
else:
    # The preview (and the versions it saw) is kept until the file changes, so applying
    # refuses rows that someone else changed in between.
    # Rows the user explicitly confirmed after the plausibility question ("Menade du 36,9 %?").
    confirm_key = f"importera_bekrafta|{uploaded.file_id}"
    stored = st.session_state.get(PREVIEW_KEY)
    asked = tuple(stored[2].slip_rows or stored[2].confirmed_rows) if stored and stored[0] == uploaded.file_id else ()
    confirmed = asked if st.session_state.get(confirm_key) else ()
    if stored is None or stored[0] != uploaded.file_id or stored[1] != confirmed:
        stored = (uploaded.file_id, confirmed, file_import.preview(uow, actor, uploaded.name, uploaded.getvalue(),
                                                                   today=today, confirm_rows=confirmed))
        st.session_state[PREVIEW_KEY] = stored
    prepared: file_import.ImportPreview = stored[2]
    counts = prepared.check.counts()
    st.subheader("Förhandsgranskning")
    st.caption(f"{counts[outcomes.CREATED]} nya · {counts[outcomes.UPDATED]} ändrade · "
               f"{counts[outcomes.UNCHANGED]} oförändrade · {len(prepared.read.skipped)} tomma rader hoppas över")
    if prepared.read.sheet:
        st.caption(f"Värdena lästes från bladet ”{prepared.read.sheet}”.")
    answerable = {outcomes.REVIEW} | ({outcomes.LOCKED} if actor.is_admin else set())
    kinds = {e.kind for e in prepared.check.errors}
    if prepared.errors:
        questions = prepared.resolvable(answerable | {outcomes.SLIP})  # nothing wrong, only choices left
        if questions:
            st.warning(f"Inget i filen är fel, men innan den kan importeras behöver du {asked_of_you(kinds)}.")
        else:
            st.error(f"Filen har {len(prepared.errors)} fel. Inget importeras förrän alla är rättade.")
        shown = prepared.errors[:SHOWN_ERRORS]
        more = len(prepared.errors) - len(shown)
        st.text("\n".join(shown) + (f"\n… och {more} {'frågor' if questions else 'fel'} till (se kolumnen "
                                     "Meddelande i tabellen)" if more else ""))
    for warning in prepared.check.warnings:
        st.info(str(warning))
    if prepared.read.skipped:
        with st.expander("Rader som hoppas över"):
            st.text("\n".join(prepared.read.skipped))
    if prepared.entries:
        st.dataframe(prepared.table(), hide_index=True, width="stretch")
    if prepared.slip_rows or prepared.confirmed_rows:
        rows = ", ".join(str(r) for r in (prepared.slip_rows or prepared.confirmed_rows))
        st.checkbox(f"Värdena på rad {rows} är rätt som de står i filen (spara dem så, inte det värde frågan föreslår)",
                    key=confirm_key, help="Rätta annars värdena i filen och ladda upp den igen.")
    reason, review = None, None
    if prepared.resolvable(answerable) and outcomes.LOCKED in kinds:
        reason = st.text_input("Skäl för ändring i låst period", key="importera_reason")
    if prepared.resolvable(answerable) and outcomes.REVIEW in kinds:
        st.warning(f"{len(prepared.review_rows)} rättade värden har kvar sin tidigare kommentar (kolumnen Tidigare "
                   "kommentar). En kommentar skriven för det gamla värdet ska inte följa med utan att du valt det.")
        review = st.radio("Tidigare kommentarer till rättade värden", [COMMENT_KEEP, COMMENT_REMOVE], index=None,
                          format_func=COMMENT_REVIEW_LABELS.get, key="importera_review", horizontal=True,
                          help="Vill du skriva en ny kommentar: ändra kommentaren i filen och ladda upp den igen.")
    can_apply = prepared.ok or (prepared.resolvable(answerable) and (outcomes.LOCKED not in kinds or bool(reason))
                                and (outcomes.REVIEW not in kinds or review is not None))
    if st.button("Importera", type="primary", disabled=not can_apply, key="importera_apply"):
        result = file_import.apply(uow, actor, prepared, today=today, lock_reason=reason, comment_review=review)
        st.session_state.pop(PREVIEW_KEY, None)
        if result.ok:
            done = result.counts()
            st.success(f"Importerat: {done[outcomes.CREATED]} nya, {done[outcomes.UPDATED]} ändrade, "
                       f"{done[outcomes.UNCHANGED]} oförändrade.")
        else:
            st.error("Inget importerades.")
            st.text("\n".join(str(e) for e in result.errors[:SHOWN_ERRORS]))

if actor.is_admin:
    with st.expander("Låsta perioder (processtöd)"):
        locked = locks.locked_periods(uow)
        if locked.empty:
            st.caption("Inga perioder är låsta.")
        else:
            st.dataframe(locks.locked_periods_table(locked), hide_index=True)
        with st.form("importera_lock"):
            lock_period = st.text_input("Period (t.ex. 2025 eller 2025Q4)", key="importera_lock_period")
            lock_reason = st.text_input("Skäl", key="importera_lock_reason")
            c1, c2 = st.columns(2)
            do_lock = c1.form_submit_button("Lås perioden")
            do_unlock = c2.form_submit_button("Lås upp perioden")
        if do_lock or do_unlock:
            action = locks.lock_period if do_lock else locks.unlock_period
            done, code = attempt(lambda: action(uow, actor, lock_period, lock_reason))
            if done:
                st.success(f"Perioden {periods.period_from_code(code).label} är {'låst' if do_lock else 'upplåst'}.")
