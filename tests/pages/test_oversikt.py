"""AppTest: Översikt shows the five focus areas with real (demo) data."""
from __future__ import annotations

from tests.utils.apptest import all_text
from tests.utils.demo import FOCUS_AREAS


def test_overview_shows_five_focus_areas(admin_app):
    at = admin_app.run()
    assert not at.exception
    text = all_text(at)
    for name in FOCUS_AREAS:
        assert name in text
    assert len(at.table) == 5
    assert "Exempeldata" in "\n".join(w.value for w in at.warning)


def test_overview_starts_with_a_summary_card_per_focus_area(admin_app, demo_engine):
    """The five status summaries come first (cards), before any detail table; each card's
    counts match the overview's statuses for that focus area."""
    from indicators.views.overview import overview, status_counts
    from indicators.unit_of_work import UnitOfWork
    at = admin_app.run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    data = overview(UnitOfWork(demo_engine))
    first_table_heading = next(i for i, h in enumerate(at.subheader) if h.value == "Indikatorer per fokusområde")
    assert first_table_heading == 0  # the cards are not subheaders: they come before the detail section
    for number, name in enumerate(FOCUS_AREAS, start=1):
        heading = texts.index(f"**{number}. {name}**")
        counts = status_counts([r for r in data if r["focus_name"] == name])
        lines = texts[heading + 1:heading + 7]
        for (status, n), line in zip(counts.items(), lines):
            assert status in line and line.endswith(f"**{n}**" if n else f"{n}]")
