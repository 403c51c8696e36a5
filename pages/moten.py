"""Möten: the working group's meetings, and the meeting mode – one focus area per screen,
made for a projector, with what has changed since the previous meeting and how."""
import streamlit as st

from indicators.meetings.briefing import shown_statuses
from indicators.views.sparkline import sparkline_figure
from ui import cache
from ui.components import md_escape, paragraph, status_badge
from ui.params import select_param
from ui.auth import page_actor

page_actor()

# Static style only (no user text), present only while the meeting mode is shown. Sizes grow
# with the screen: 1.3vw is 25 px at 1920 px wide (read from across the room) and 18 px at
# 1366 px, where the summary must fit one screen without scrolling.
MEETING_MODE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 2rem; max-width: none; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p,
[data-testid="stMainBlockContainer"] button p { font-size: max(1.3vw, 16px) !important; line-height: 1.35; }
[data-testid="stMainBlockContainer"] h1 { font-size: max(2.3vw, 28px); padding: 0.2rem 0; }
[data-testid="stMainBlockContainer"] h2 { font-size: max(1.8vw, 22px); padding: 0.4rem 0 0.2rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: max(1.55vw, 20px); padding: 0.2rem 0; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] { font-size: max(2.6vw, 28px) !important; line-height: 1.1; font-weight: 700; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
.st-key-exempeldata [data-testid="stAlertContainer"] { padding: 0.15rem 0.8rem; }
.st-key-exempeldata [data-testid="stMarkdownContainer"] p { font-size: max(1.3vw, 14px) !important; }
</style>"""


def set_focus(code: str | None) -> None:
    """The meeting mode shows the focus area named in the URL (?fokus=arbetsmarknad); None leaves it."""
    st.query_params.pop("steg", None)  # the old ?steg=N links are read once, then replaced
    if code is None:
        st.query_params.pop("fokus", None)
    else:
        st.query_params["fokus"] = code


def current_focus(codes: list[str]) -> str | None:
    """The focus area the URL asks for: ?fokus=<code>, or the older ?steg=<number> (1 = the first
    focus area); an unknown one opens the first. None when the meeting mode is not on."""
    wanted, step = st.query_params.get("fokus"), st.query_params.get("steg")
    if (wanted is None and step is None) or not codes:
        return None
    if wanted not in codes:
        try:
            wanted = codes[min(max(int(step), 1), len(codes)) - 1]
        except (TypeError, ValueError):
            wanted = codes[0]
    set_focus(wanted)
    return wanted


def meeting_list(all_meetings, meeting: dict, first_code: str | None) -> None:
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
    st.button("Starta mötesläge", type="primary", on_click=set_focus, args=(first_code,),
              disabled=first_code is None)


def navigation(step: int, areas: list) -> None:
    """Föregående, one button per focus area (the current one marked), Nästa, Avsluta:
    ordinary buttons, so Tab and Enter move between focus areas too."""
    columns = st.columns([2.2] + [1] * len(areas) + [2.2, 2.6])
    columns[0].button("◀ Föregående", on_click=set_focus, args=(areas[max(step - 2, 0)].code,), disabled=step <= 1,
                      width="stretch")
    for number, (column, area) in enumerate(zip(columns[1:], areas), start=1):
        column.button(str(number), on_click=set_focus, args=(area.code,), width="stretch", help=area.name,
                      type="primary" if number == step else "secondary", key=f"fokus_{number}")
    columns[-2].button("Nästa ▶", on_click=set_focus, args=(areas[min(step, len(areas) - 1)].code,),
                       disabled=step >= len(areas), type="primary", width="stretch")
    columns[-1].button("Avsluta mötesläge", on_click=set_focus, args=(None,), width="stretch")


def coloured(change) -> str:
    return f":{change.colour}[**{change.text}**]"


def indicator_card(brief) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 1])
        left.markdown(f"**{md_escape(brief.code)} {md_escape(brief.name)}**")
        left.markdown(f"**{md_escape(brief.value_text)}** ({brief.period_label}) · sedan förra mötet "
                      f"{coloured(brief.since_meeting)} (då {md_escape(brief.meeting_value_text)}) · sedan "
                      f"utgångsläget {coloured(brief.since_baseline)} ({md_escape(brief.baseline_text)})")
        left.markdown(f"Status: {md_escape(brief.before_text)} → **{md_escape(brief.now_text)}**"
                      + (f" · {brief.value_news}" if brief.value_news else ""))
        if brief.comment:
            left.markdown(f"*Analyskommentar {brief.comment_period_label}:* {paragraph(brief.comment)}")
        if brief.sparkline:
            right.plotly_chart(sparkline_figure(brief.sparkline), key=f"spark_{brief.code}", theme=None,
                               config={"displayModeBar": False, "displaylogo": False},
                               alt=f"Litet diagram över {brief.code}")


def meeting_mode(meeting_id: int, code: str) -> None:
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(MEETING_MODE_CSS)
    briefing = cache.meeting_briefing(meeting_id)
    step, area = next((n, a) for n, a in enumerate(briefing.focus_areas, start=1) if a.code == code)
    with st.container(key="motesammanfattning"):
        st.caption(f"Mötesläge · möte {briefing.meeting['date'].isoformat()} · fokusområde {step} av "
                   f"{len(briefing.focus_areas)} · förändringar {briefing.since_text}")
        st.title(f"{area.number}. {md_escape(area.name)}")
        navigation(step, briefing.focus_areas)
        shown = shown_statuses(area.counts)
        for column, status in zip(st.columns(len(shown)), shown):
            column.metric(status_badge(status), area.counts[status])
        st.markdown(f"**{area.summary}**")
        if area.status_moves:
            st.markdown("Bytt status: " + " · ".join(md_escape(move) for move in area.status_moves))

    st.header("Analys och bedömning")
    if area.assessment:
        st.caption(f"{area.assessment.period_label} · {area.assessment.byline}")
        st.markdown(paragraph(area.assessment.text))
    else:
        st.markdown("Ingen analys och bedömning är skriven för fokusområdet ännu.")

    st.header(f"Indikatorer med nya värden eller ändrad status {briefing.since_text}")
    if not area.indicators:
        st.markdown("Inga nya värden och ingen indikator har bytt status.")
    for brief in area.indicators:
        indicator_card(brief)

    st.header("Nya och ändrade insatser")
    st.markdown("\n".join(f"- {md_escape(line)}" for line in area.actions) if area.actions
                else "Inga nya eller ändrade insatser.")


all_meetings = cache.meetings()
if all_meetings.empty:
    st.title("Möten")
    st.info("Inga möten är registrerade ännu.")
    st.stop()

newest_first = all_meetings.sort_values(["date", "id"], ascending=False)
options = {int(r.id): f"{r.date_text} {r.title}" for r in newest_first.itertuples()}
codes = list(cache.structure()["focus_areas"]["code"])
focus = current_focus(codes)
if focus is None:
    # Leaving the meeting mode brings the sidebar back (it collapses only for the projector); the
    # browser applies this only when it differs from the last state asked for, so a sidebar the
    # user closed on this page stays closed.
    st.set_page_config(initial_sidebar_state="auto")
    st.title("Möten")
    meeting_id = select_param("Möte", "mote", options, allow_all=False)
    meeting_list(all_meetings, all_meetings[all_meetings["id"] == meeting_id].iloc[0].to_dict(),
                 codes[0] if codes else None)
else:  # the meeting chosen before the mode started stays in the URL (?mote=…&fokus=…)
    meeting_id = next((k for k in options if str(k) == st.query_params.get("mote")), next(iter(options)))
    st.query_params["mote"] = str(meeting_id)
    meeting_mode(int(meeting_id), focus)
