"""Möten: the working group's meetings, and the meeting mode – one focus area per screen in
large type, with what has changed since the previous meeting."""
import streamlit as st

from indicators.meetings.changes import NEW, describe_values, for_focus_area, status_counts
from indicators.rules.vocabulary import STATUS_ICONS, STATUSES
from ui import cache
from ui.components import md_escape
from ui.params import select_param
from ui.auth import page_actor

page_actor()

# Static style only (no user text): larger type so the screen reads from across the room.
MEETING_MODE_CSS = """<style>
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li { font-size: 1.4rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 3.5rem !important; line-height: 1.1; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: 1.4rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
</style>"""


def set_step(step: int | None) -> None:
    if step is None:
        st.query_params.pop("steg", None)
    else:
        st.query_params["steg"] = str(step)


def current_step(count: int) -> int | None:
    raw = st.query_params.get("steg")
    if raw is None:
        return None
    try:
        return min(max(int(raw), 1), count)
    except ValueError:
        return 1


def bullet_list(lines: list[str], empty: str) -> None:
    st.markdown("\n".join(f"- {line}" for line in lines) if lines else empty)


def meeting_list(all_meetings, meeting: dict) -> None:
    st.dataframe(
        all_meetings[["date_text", "kind", "title"]], hide_index=True, width="stretch",
        column_config={"date_text": st.column_config.TextColumn("Datum", width="small"),
                       "kind": st.column_config.TextColumn("Typ", width="small"),
                       "title": st.column_config.TextColumn("Rubrik", width="large")},
    )
    st.subheader(f"{meeting['date_text']} {md_escape(meeting['title'])}")
    for label, field in (("Dagordning", "agenda"), ("Minnesanteckningar", "notes"), ("Beslut", "decisions")):
        if meeting.get(field):
            st.markdown(f"**{label}**")
            st.text(meeting[field])
    st.button("Starta mötesläge", type="primary", on_click=set_step, args=(1,))


def navigation(step: int, count: int) -> None:
    back, forward, leave = st.columns(3)
    back.button("Föregående", on_click=set_step, args=(step - 1,), disabled=step <= 1, width="stretch")
    forward.button("Nästa", on_click=set_step, args=(step + 1,), disabled=step >= count, type="primary", width="stretch")
    leave.button("Avsluta mötesläge", on_click=set_step, args=(None,), width="stretch")


def meeting_mode(meeting_id: int, focus_areas, step: int) -> None:
    st.html(MEETING_MODE_CSS)
    result = cache.meeting_changes(meeting_id)
    area = focus_areas.iloc[step - 1]
    part = for_focus_area(result, area["code"])
    meeting, previous = result["meeting"], result["previous"]
    st.caption(f"Mötesläge · {meeting['date'].isoformat()} · fokusområde {step} av {len(focus_areas)}")
    st.title(f"{area['number']}. {md_escape(area['name'])}")
    navigation(step, len(focus_areas))

    counts = status_counts(part["status"])
    shown = [s for s in STATUSES if counts[s]] or list(STATUSES[:4])
    for column, status in zip(st.columns(len(shown)), shown):
        column.metric(f"{STATUS_ICONS[status]} {status}", counts[status])

    since = f"sedan mötet {previous['date'].isoformat()}" if previous else "fram till mötet (inget tidigare möte)"
    st.header(f"Nya och ändrade värden {since}")
    bullet_list([f"{r.code} {md_escape(r.name)}: {describe_values(r.new, r.updated)} ({r.periods})" for r in part["values"].itertuples()],
                "Inga nya eller ändrade värden.")
    st.header("Ändrad status")
    bullet_list([f"{r.code} {md_escape(r.name)}: {r.before_label} → {r.after_label}" for r in part["status_changes"].itertuples()],
                "Ingen indikator har bytt status.")
    st.header("Nya och ändrade insatser")
    bullet_list([f"{md_escape(r.name)} ({'ny' if r.change == NEW else 'ändrad'}, {r.status})" for r in part["actions"].itertuples()],
                "Inga nya eller ändrade insatser.")


all_meetings = cache.meetings()
focus_areas = cache.structure()["focus_areas"]
if all_meetings.empty:
    st.title("Möten")
    st.info("Inga möten är registrerade ännu.")
    st.stop()

newest_first = all_meetings.sort_values(["date", "id"], ascending=False)
options = {int(r.id): f"{r.date_text} {r.title}" for r in newest_first.itertuples()}
step = current_step(len(focus_areas))
if step is None:
    st.title("Möten")
    meeting_id = select_param("Möte", "mote", options, allow_all=False)
else:
    with st.sidebar:  # out of the way on the shared screen
        meeting_id = select_param("Möte", "mote", options, allow_all=False)
if step is None:
    meeting_list(all_meetings, all_meetings[all_meetings["id"] == meeting_id].iloc[0].to_dict())
else:
    meeting_mode(int(meeting_id), focus_areas, step)
