"""Hämta officiell statistik: Kolada values fetched online or read from a saved response."""
import streamlit as st

from indicators.access.permissions import allowed
from indicators.sources import attribution
from indicators.sources.kolada import compare_ids, municipality_id
from indicators.sources.kolada_import import fetch_and_import, import_files, kolada_kpi_ids, last_fetch_table
from ui.components import attempt
from ui.auth import page_actor
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

ACTOR = page_actor({"admin"})

st.title("Hämta officiell statistik")
actor = ACTOR
if actor is None or not allowed(actor, "fetch_statistics"):
    st.error("Bara processtödet (admin) kan hämta officiell statistik.")
    st.stop()

st.caption(
    f"Kommunens värden (Kolada-id {municipality_id()}) blir värden för Hela kommunen; "
    f"jämförelseenheter: {', '.join(compare_ids()) or 'inga'}. Saknade värden sparas som saknade, aldrig som 0. "
    f"{attribution('kolada')}."
)


def show_report(report) -> None:
    c1, c2, c3 = st.columns(3)
    c1.metric("Nya", report.new)
    c2.metric("Ändrade", report.changed)
    c3.metric("Oförändrade", report.unchanged)
    st.success(report.summary())
    for warning in report.warnings:  # jumps against the previous year: imported, worth a look
        st.warning(str(warning))
    if report.titles:
        st.dataframe({"KPI-id": list(report.titles), "Rubrik i Kolada": list(report.titles.values())},
                     hide_index=True)
    for kpi_id in report.not_found:
        st.warning(f"{kpi_id} finns inte i Kolada – kontrollera indikatorns KPI-id.")


skip_invalid = st.checkbox(
    "Hoppa över rader som bryter mot reglerna för värden",
    value=False, key="kolada_skip_invalid",
    help="Kolada-värden prövas mot samma regler som inrapporterade värden (giltigt intervall, programmets år, "
         "perioder som inte börjat, mätår, motstridiga rader). Normalt avvisas hela hämtningen och varje rad "
         "namnges; med detta val sparas resten och de överhoppade raderna loggas.",
)

fetch_tab, file_tab = st.tabs(["Hämta från Kolada", "Läs in sparad svarsfil"])
with fetch_tab:
    kpis = kolada_kpi_ids(uow)
    chosen = st.multiselect("KPI-id att hämta", kpis, default=kpis, key="kolada_kpis")
    if st.button("Hämta nu", type="primary", disabled=not chosen, key="kolada_fetch"):
        bar = st.progress(0.0, text="Ansluter till Kolada …")

        def progress(done: int, total: int, kpi_id: str) -> None:
            bar.progress(done / total, text=f"Hämtat {kpi_id} ({done} av {total})")

        done, fetched = attempt(lambda: fetch_and_import(uow, actor, chosen, on_progress=progress,
                                                            skip_invalid=skip_invalid))
        if done:
            show_report(fetched[0])
        else:
            st.info("Utan nätverk: läs in en sparad svarsfil under fliken ”Läs in sparad svarsfil”.")

with file_tab:
    st.caption("Ett sparat svar från Kolada:s API v3 (en sida eller en lista av sidor), "
               "t.ex. från `python cli.py kolada --fetch --save svar.json`.")
    uploads = st.file_uploader("Svarsfil (JSON)", type=["json"], accept_multiple_files=True, key="kolada_files")
    if st.button("Läs in", disabled=not uploads, key="kolada_import"):
        done, report = attempt(lambda: import_files(uow, actor, [(u.name, u.getvalue()) for u in uploads],
                                                         skip_invalid=skip_invalid))
        if done:
            show_report(report)

st.subheader("Senast hämtat per indikator")
st.caption("Tiden för den senaste hämtningen som gav nya eller ändrade värden.")
st.dataframe(
    last_fetch_table(uow),
    hide_index=True,
    width="stretch",
    column_config={
        "kod": st.column_config.TextColumn("Kod", width="small"),
        "indikator": st.column_config.TextColumn("Indikator", width="large"),
        "kpi_id": st.column_config.TextColumn("KPI-id", width="small"),
        "aktiv": st.column_config.CheckboxColumn("Aktiv", width="small"),
        "senast_hamtat": st.column_config.TextColumn("Senast hämtat"),
        "kpi_anmarkning": st.column_config.TextColumn("Om KPI-id:t"),
    },
)
