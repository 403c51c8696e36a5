"""Fokusområden: one focus area at a time – small trend charts for its indicators and its actions."""
import streamlit as st

from indicators.views.charts import MAX_SERIES, area_budget, area_names, breakdown_gaps
from settings import get_settings
from ui import cache
from ui.components import md_escape, status_badge
from ui.params import select_one
from ui.assessment import assessment_section
from ui.auth import page_actor
from indicators.unit_of_work import UnitOfWork

actor = page_actor()
uow = UnitOfWork.for_app()

st.title("Fokusområden")
areas = cache.structure()["focus_areas"]
code, data = select_one("Fokusområde", "omrade", {r.code: f"{r.number}. {r.name}" for r in areas.itertuples()},
                        cache.focus_area_data, "Det finns inga fokusområden ännu.")

focus = data["focus_area"]
st.header(f"{focus['number']}. {md_escape(focus['name'])}")
if focus["description"]:
    st.text(focus["description"])
assessment_section(uow, actor, code)

c1, c2 = st.columns(2)
show_gender = c1.toggle("Visa kön", value=st.query_params.get("kon") == "1", key="toggle_kon")
show_areas = c2.toggle("Visa områden", value=st.query_params.get("omraden") == "1", key="toggle_omraden")
for param, on in (("kon", show_gender), ("omraden", show_areas)):
    if on:
        st.query_params[param] = "1"
    else:
        st.query_params.pop(param, None)
st.caption(f"Grå streckade linjer är jämförelser (t.ex. Riket). Värden per kön eller område med färre än "
           f"{get_settings().suppress_below} i underlaget visas inte, så att ingen enskild kan identifieras – "
           "inte heller värden som skulle avslöja dem.")

indicators = data["indicators"]
if indicators.empty:
    st.info("Fokusområdet har inga aktiva indikatorer.")
available = {int(i["id"]): breakdown_gaps(i, data["values"]) for i in indicators.to_dict("records")}
chosen = None
for toggle_on, kind, words in ((show_gender, "gender", "kön"), (show_areas, "areas", "område")):
    if toggle_on and indicators.shape[0] and not any(a[kind] for a in available.values()):
        st.info(f"Inga av fokusområdets indikatorer har värden per {words}: diagrammen visar hela kommunen.")
if show_areas:
    names = area_names(data["values"])
    if names:
        most = area_budget(show_gender=False)
        chosen = st.multiselect("Områden i diagrammen", names, default=names[:most], max_selections=most,
                                key=f"fokus_omraden|{code}",
                                help=f"Högst {most} områden åt gången, så att varje linje går att skilja från de andra.")
        st.caption(f"Ett diagram visar högst {MAX_SERIES} linjer. Med kön eller jämförelser får färre områden "
                   "plats; då visas de först valda.")
statuses = {r["code"]: r["status"] for r in cache.overview()}
charts = cache.focus_area_figures(code, show_gender, show_areas, tuple(chosen) if chosen is not None else None)
for start in range(0, len(charts), 2):
    columns = st.columns(2)
    for column, (indicator, figure) in zip(columns, charts[start:start + 2]):
        with column:
            badge = status_badge(statuses[indicator["code"]]) if indicator["code"] in statuses else ""
            st.markdown(f"{badge} **{indicator['code']}** {md_escape(indicator['name'])}")
            st.plotly_chart(figure, key=f"chart_{indicator['code']}", theme=None, config={"displaylogo": False},
                            alt=f"Diagram över {indicator['code']} {indicator['name']}")
            missing = [w for on, kind, w in ((show_gender, "gender", "kön"), (show_areas, "areas", "område"))
                       if on and not available[int(indicator["id"])][kind]]
            if missing:
                st.caption(f"Indikatorn har inga värden per {' eller '.join(missing)}; diagrammet visar hela kommunen.")
            st.page_link("pages/indikatorer.py", label=f"Mer om {indicator['code']}",
                         query_params={"indikator": indicator["code"]})

st.subheader("Insatser")
if data["actions"].empty:
    st.caption("Inga insatser är registrerade för fokusområdet.")
else:
    st.dataframe(data["actions"], hide_index=True, width="stretch")
