"""'Analys och bedömning' on Fokusområden: the text for a chosen period, its earlier
versions, and the editor for those who may write it (the boards responsible in the focus
area and process support). A save made on an older version than the stored one is refused
as a conflict that shows both texts; "Utgå från den sparade texten" starts again from it."""
from __future__ import annotations

from datetime import date

import streamlit as st

from indicators.access.permissions import Actor
from indicators.reporting.assessments import (
    MAX_ASSESSMENT, history, may_write, period_choices, save_assessment, written_periods,
)
from indicators.rules.periods import period_from_code
from indicators.unit_of_work import UnitOfWork
from ui.components import attempt, paragraph
from ui.params import select_param

SAVED_KEY = "bedomning_sparad"


def _start_from(read_key: str, text_key: str, version: int, text: str) -> None:
    st.session_state[read_key] = version
    st.session_state[text_key] = text


def _editor(uow: UnitOfWork, actor: Actor, code: str, period: str, versions: list) -> None:
    current_version, current_text = (versions[0].version, versions[0].text) if versions else (0, "")
    read_key, text_key = f"bedomning_las_{code}_{period}", f"bedomning_text_{code}_{period}"
    read = st.session_state.get(read_key)
    read_text = next((v.text for v in versions if v.version == read), "")
    if read is None or (read != current_version and st.session_state.get(text_key, read_text) == read_text):
        _start_from(read_key, text_key, current_version, current_text)  # nothing typed over an old version
    with st.form(f"bedomning_{code}_{period}"):
        text = st.text_area("Skriv analys och bedömning", key=text_key, height=180, max_chars=MAX_ASSESSMENT)
        submitted = st.form_submit_button("Spara analys och bedömning", type="primary")
    if submitted:
        ok, saved = attempt(lambda: save_assessment(uow, actor, code, period, text,
                                                    expected_version=st.session_state[read_key]))
        if ok:
            st.session_state[read_key] = saved.version
            st.session_state[SAVED_KEY] = f"Analys och bedömning sparad som version {saved.version}."
            st.rerun()
        elif current_version != st.session_state[read_key]:
            st.button("Utgå från den sparade texten", on_click=_start_from,
                      args=(read_key, text_key, current_version, current_text))


def assessment_section(uow: UnitOfWork, actor: Actor, code: str) -> None:
    st.subheader("Analys och bedömning")
    if SAVED_KEY in st.session_state:
        st.success(st.session_state.pop(SAVED_KEY))
    choices = period_choices(uow, code, date.today())
    written = written_periods(uow, code)
    if "period" not in st.query_params and written:
        st.query_params["period"] = written[0]  # open on the newest text
    period = select_param("Period", "period", {c: period_from_code(c).label for c in choices}, allow_all=False)
    versions = history(uow, code, period)
    if versions:
        st.caption(f"{period_from_code(period).label} · {versions[0].byline}")
        st.markdown(paragraph(versions[0].text))
    else:
        st.caption(f"Ingen analys och bedömning är skriven för {period_from_code(period).label}.")
    if len(versions) > 1:
        with st.expander(f"Tidigare versioner ({len(versions) - 1})"):
            for version in versions[1:]:
                st.caption(version.byline)
                st.markdown(paragraph(version.text))
    if may_write(uow, actor, code):
        with st.expander("Skriv eller ändra analys och bedömning"):  # the charts stay near the top
            _editor(uow, actor, code, period, versions)
