"""Indikatorer: one indicator in full – definition, trend with every breakdown, gender and
area gaps, all values with comments, downloads and the history of changes."""
import pandas as pd
import streamlit as st

from indicators.access import permissions
from indicators.rules.vocabulary import PROTECTED_MARK
from indicators.views import charts
from indicators.views import gaps
from indicators.views import indicator_detail
from settings import get_settings
from indicators.files.long_format import long_rows, to_csv_bytes
from indicators.files.xlsx import to_xlsx_bytes
from ui import cache
from indicators.rules.vocabulary import DIRECTION_LABELS, STATUS_ICONS
from ui.components import md_escape
from ui.params import select_one
from ui.auth import page_actor
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

actor = page_actor()

st.title("Indikatorer")
catalogue = cache.structure()["indicators"]
_code, detail = select_one("Indikator", "indikator", {r.code: f"{r.code} – {r.name}" for r in catalogue.itertuples()},
                           cache.indicator_detail, "Det finns inga aktiva indikatorer ännu.")

indicator, values = detail["indicator"], detail["values"]
threshold = get_settings().suppress_below
st.header(f"{md_escape(indicator['code'])} {md_escape(indicator['name'])}")
head = indicator_detail.headline(next((r for r in cache.overview() if r["code"] == indicator["code"]), None))
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Senaste värde", head["value"])
    c1.caption(head["period"])
    c2.metric("Status", f"{STATUS_ICONS[head['status']]} {head['status']}")
    c3.metric("Trend sedan förra värdet", head["trend"])
    c3.caption(f"Sedan utgångsläget: {head['trend_baseline']}")
    c4.metric(head["target_label"], head["target"])
    c4.caption(DIRECTION_LABELS.get(indicator["direction"], ""))
# st.table renders Markdown in cells: escape the catalogue's free text.
definition = [(label, md_escape(text)) for label, text in indicator_detail.definition_rows(detail, actor.is_admin)]
st.table(pd.DataFrame(definition, columns=["Uppgift", "Innehåll"]).set_index("Uppgift"))

st.subheader("Utveckling")
figure = charts.trend_figure(indicator, values, detail["targets"], detail["comparisons"],
                             show_gender=bool(indicator["by_gender"]), show_areas=False,
                             definition_changes=detail["definition_changes"])
for at, field in zip(detail["definition_changes"]["at"], detail["definition_changes"]["field"]):
    st.caption(f"{charts.CHANGE_WORDS.get(field, 'ändrad').capitalize()} {pd.Timestamp(at).date().isoformat()}: "
               "jämför värden före och efter med försiktighet.")
st.plotly_chart(figure, key="trend", theme=None, config={"displaylogo": False},
                alt=f"Diagram över {indicator['code']} {indicator['name']}")

if indicator["by_area"]:
    st.subheader("Utveckling per område")
    names = charts.area_names(values[values["indicator_id"] == indicator["id"]])
    if not names:
        st.info("Det finns inga värden per område för indikatorn ännu.")
    else:
        budget = charts.area_budget(show_gender=False)
        chosen = st.multiselect("Områden i diagrammet", names, default=names[:budget], max_selections=budget,
                                key=f"indikator_omraden|{indicator['code']}",
                                help=f"Högst {budget} områden åt gången, så att varje linje går att skilja från de andra.")
        st.plotly_chart(charts.trend_figure(indicator, values, show_areas=True, areas=chosen, title=""),
                        key="trend_areas", theme=None, config={"displaylogo": False},
                        alt=f"Diagram över {indicator['code']} per område")

if indicator["by_gender"]:
    st.subheader("Skillnad mellan kvinnor och män")
    gender = gaps.gender_gap(values)
    st.plotly_chart(charts.gender_gap_figure(indicator, gender), key="gender_gap", theme=None,
                    config={"displaylogo": False}, alt="Stapeldiagram: kvinnor minus män per period")
    st.dataframe(indicator_detail.gender_gap_table(indicator, gender), hide_index=True, width="stretch")
    if gender["suppressed"].any():
        st.caption(f"– = skillnaden visas inte eftersom ett av värdena inte visas (underlag färre än {threshold}, "
                   "eller värdet skulle avslöja ett sådant).")

if indicator["by_area"] and not gaps.area_gap_meaningful(indicator["unit"]):
    st.subheader("Skillnad mellan områden och hela kommunen")
    st.caption("Indikatorn är ett antal, som summeras över områdena; jämför värdena per område i diagrammet ovan.")
elif indicator["by_area"]:
    st.subheader("Skillnad mellan områden och hela kommunen")
    latest = gaps.latest_area_gap(gaps.area_gap(values))
    st.caption("Områdena visas i fast ordning, inte rangordnade. Skillnaden är områdets värde minus hela kommunens.")
    st.plotly_chart(charts.area_gap_figure(indicator, latest), key="area_gap", theme=None,
                    config={"displaylogo": False}, alt="Stapeldiagram: varje områdes skillnad mot hela kommunen")
    st.dataframe(indicator_detail.area_gap_table(indicator, latest), hide_index=True, width="stretch")

st.subheader("Värden")
table = indicator_detail.values_table(indicator, values)
st.dataframe(table.drop(columns=["Dold"]), hide_index=True, width="stretch")
if table["Dold"].any():
    st.caption(f"– = värdet visas inte: underlaget är för litet (färre än {threshold}) för att redovisas per kön "
               "eller område utan risk att enskilda kan identifieras, eller värdet skulle tillsammans med "
               "de visade värdena avslöja ett sådant värde.")

rows = long_rows(uow, indicator_ids=[int(indicator["id"])])
c1, c2 = st.columns(2)
c1.download_button("Ladda ned CSV", to_csv_bytes(rows), file_name=f"{indicator['code']}.csv", mime="text/csv")
c2.download_button("Ladda ned Excel", to_xlsx_bytes(rows), file_name=f"{indicator['code']}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

with st.expander("Historik"):
    unprotected = permissions.sees_unprotected(actor, indicator["responsible_org_id"])
    history = indicator_detail.history_table(detail["history"], detail["values"], threshold, unprotected=unprotected)
    if history.empty:
        st.caption("Inga ändringar av värdena är registrerade.")
    else:
        st.dataframe(history, hide_index=True, width="stretch")
        if unprotected and history["Värde"].str.contains(PROTECTED_MARK, regex=False).any():
            st.caption(f"Värden märkta *{PROTECTED_MARK}* visas bara för administratörer och för den ansvariga "
                       "organisationens tjänstepersoner; alla andra ser – i stället (underlaget är för litet).")
