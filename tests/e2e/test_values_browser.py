"""End-to-end: Rapportera's plausibility question in Chromium. A percent typed as a fraction
(0,688 for 68,8 %) asks "Menade du 68,8 %?", a comment does not answer it, and the explicit
choice saves the chosen value; the count basis n is entered beside the value."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.utils.browser import (assert_no_exception, choose, expect_text, login, main_area, open_path_in_session,
                                 screenshot, selectbox, wait_for_app)

pytestmark = pytest.mark.e2e

CODE = "DEM06"  # a yearly percent of SN's; no other browser scenario uses it


def test_official_answers_menade_du_with_an_explicit_choice(page, server):
    login(page, *server.login("official"))
    open_path_in_session(page, "/rapportera")
    choose(page, "Indikator att rapportera", CODE)
    expect(selectbox(page, "Indikator att rapportera")).to_have_value(re.compile(rf"^{CODE} – "))
    main = main_area(page)
    cell = "Totalt, Hela kommunen"
    value = main.get_by_label(f"Värde, {cell}")
    previous = value.input_value()  # the stored value, e.g. 69 (the previous period's is near it)
    assert re.fullmatch(r"\d+(,\d+)?", previous), previous
    typed = format(Decimal(previous.replace(",", ".")) / 100, "f").replace(".", ",")  # 69 -> 0,69
    value.fill(typed)
    main.get_by_label(f"Antal i underlaget, {cell}").fill("412")
    main.get_by_label(f"Kommentar, {cell}").fill("Stämmer")
    main.get_by_role("button", name="Spara", exact=True).click()
    wait_for_app(page)
    expect_text(page, "Inget sparades")
    expect_text(page, f"Menade du {previous} %?")
    expect(main.get_by_role("button", name="Spara med valen")).to_be_disabled()  # a comment does not answer it
    screenshot(page, "rapportera_menade_du")
    main.get_by_text(f"Spara {previous} %", exact=True).click()
    wait_for_app(page)
    main.get_by_role("button", name="Spara med valen").click()
    wait_for_app(page)
    expect_text(page, f"Sparat för {CODE}")
    expect(main.get_by_label(f"Värde, {cell}")).to_have_value(previous)
    expect(main.get_by_label(f"Antal i underlaget, {cell}")).to_have_value("412")
    assert_no_exception(page)
