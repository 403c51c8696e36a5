"""AppTest: Fokusområden shows one chart per indicator, the actions, and the gender toggle."""
from __future__ import annotations

from tests.utils.apptest import all_text, open_page, plotly_charts, trace_names


def test_focus_area_page_shows_charts_and_actions(viewer_app):
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="skola")
    assert not at.exception
    assert "2. Skola" in all_text(at)
    charts_before = plotly_charts(at)
    assert len(charts_before) == 7  # the seven active Skola indicators
    actions = at.dataframe[-1].value
    assert "Läxhjälp och studiero på mötesplatser" in list(actions["Insats"])
    assert "300\u00a0000 kr" in list(actions["Kostnad"])
    assert "Kvinnor" not in trace_names(charts_before[0])
    at.toggle(key="toggle_kon").set_value(True).run()
    assert not at.exception
    assert at.query_params["kon"] == "1"
    assert "Kvinnor" in trace_names(plotly_charts(at)[0])  # UTB01 is reported by gender


def test_visa_omraden_says_so_when_the_focus_area_has_no_area_values(viewer_app):
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="arbetsmarknad", omraden="1")
    assert not at.exception
    assert any("Inga av fokusområdets indikatorer har värden per område" in i.value for i in at.info)
    assert not at.multiselect


def test_visa_omraden_lets_the_room_choose_at_most_seven_areas(viewer_app):
    import json
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="bostad", omraden="1")
    assert not at.exception
    chooser = at.multiselect(key="fokus_omraden|bostad")
    assert 0 < len(chooser.value) <= 7
    for chart in plotly_charts(at):
        lines = [t for t in json.loads(chart.proto.spec)["data"] if t.get("mode") == "lines+markers"]
        assert len(lines) <= 8 and len({t["line"]["color"] for t in lines}) == len(lines)
    chooser.set_value(["Landsbygd"]).run()
    assert not at.exception
    names = {n for chart in plotly_charts(at) for n in trace_names(chart)}
    assert "Landsbygd" in names and "Centrum" not in names


def test_focus_area_shows_its_assessment_and_earlier_versions_to_a_viewer(viewer_app):
    at = open_page(viewer_app, "pages/fokusomraden.py", omrade="arbetsmarknad")
    assert not at.exception
    text = all_text(at)
    assert "Analys och bedömning" in text and "samverkan med arbetsgivare om feriejobb prioriteras" in text
    assert "version 2 · skriven av exempeldata" in text
    assert "Tidigare versioner (1)" in [e.label for e in at.expander]
    assert not [f for f in at.get("form")]  # a viewer reads, does not write
    assert at.query_params["period"].endswith("H2") or at.query_params["period"].endswith("H1")


def test_admin_writes_a_new_version_and_a_stale_edit_is_shown_as_a_conflict(admin_app, demo_engine):
    from indicators.reporting import assessments
    from indicators.unit_of_work import UnitOfWork
    from tests.utils.actors import ADMIN
    from tests.utils.apptest import button

    at = open_page(admin_app, "pages/fokusomraden.py", omrade="skola")
    assert not at.exception
    period = at.query_params["period"]
    at.text_area(key=f"bedomning_text_skola_{period}").set_value("Ny bedömning.\n<b>fet</b> [länk](http://x)")
    at.button(key="FormSubmitter:bedomning_skola_" + period + "-Spara analys och bedömning").click().run()
    assert not at.exception
    assert "Analys och bedömning sparad som version 2." in [s.value for s in at.success]
    assert assessments.history(UnitOfWork(demo_engine), "skola", period)[0].text == "Ny bedömning.\n<b>fet</b> [länk](http://x)"
    assert r"Ny bedömning\.  " + "\n" + r"\<b\>fet\</b\> \[länk\]\(http://x\)" in all_text(at)  # shown literally
    # Someone else saves while this page still holds version 2: the next save is a conflict.
    assessments.save_assessment(UnitOfWork(demo_engine), ADMIN, "skola", period, "Någon annans text.",
                                expected_version=2)
    at.text_area(key=f"bedomning_text_skola_{period}").set_value("Min ändring.")
    at.button(key="FormSubmitter:bedomning_skola_" + period + "-Spara analys och bedömning").click().run()
    shown = all_text(at) + "\n".join(e.value for e in at.error)
    assert "har ändrats av" in shown and "Någon annans text." in shown and "Min ändring." in shown
    assert len(assessments.history(UnitOfWork(demo_engine), "skola", period)) == 3
    button(at, "Utgå från den sparade texten").click().run()
    assert at.text_area(key=f"bedomning_text_skola_{period}").value == "Någon annans text."


def test_an_official_of_a_board_without_responsibility_gets_no_editor(demo_engine):
    from indicators.access.users import create_user
    from indicators.unit_of_work import UnitOfWork
    from tests.utils.actors import ADMIN
    from tests.utils.apptest import logged_in_app
    from tests.utils.measurements import org_id

    create_user(UnitOfWork(demo_engine), ADMIN, "official@exempel.invalid", "official", orgs=["VAN"],
                password="ett-langt-losenord")
    at = open_page(logged_in_app("official", frozenset({org_id(demo_engine, "VAN")})), "pages/fokusomraden.py",
                   omrade="skola")
    assert not at.exception and "Analys och bedömning" in all_text(at)
    assert not [f for f in at.get("form")]
