"""AppTest: the Importera page previews a file and applies it."""
from __future__ import annotations

import re

from tests.utils.actors import ADMIN
from tests.utils.measurements import stored
from tests.utils.workbooks import csv_file
from indicators.unit_of_work import UnitOfWork


def test_importera_page_previews_and_applies(demo_engine):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    assert not at.exception
    assert at.file_uploader and any(b.label == "Ladda ner mall (xlsx)" for b in at.get("download_button"))
    at.file_uploader(key="importera_fil").set_value(("v.csv", csv_file("ARB05;2026Q4;T;;25,5;"), "text/csv")).run()
    assert not at.exception
    assert len(at.dataframe) >= 1
    at.button(key="importera_apply").click().run()
    assert not at.exception
    assert any("Importerat: 1 nya" in s.value for s in at.success)
    assert stored(demo_engine, "ARB05", "2026Q4").value == 25.5


def test_importera_page_locks_and_unlocks_a_period_with_a_reason(demo_engine):
    from indicators.access.users import create_user
    from indicators.reporting import locks
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    at.text_input(key="importera_lock_period").input("2024")
    at.text_input(key="importera_lock_reason").input("Granskad")
    next(b for b in at.button if b.label == "Lås perioden").click().run()
    assert not at.exception and not at.error
    assert any("Perioden 2024 är låst." in s.value for s in at.success)
    assert "2024" in list(locks.locked_periods(UnitOfWork(demo_engine))["period"])
    at.text_input(key="importera_lock_period").input("2024")
    at.text_input(key="importera_lock_reason").input("Rättelse")
    next(b for b in at.button if b.label == "Lås upp perioden").click().run()
    assert not at.exception and not at.error
    assert locks.locked_periods(UnitOfWork(demo_engine)).empty


def test_every_file_of_the_hostile_corpus_gives_a_swedish_answer_without_traceback(demo_engine):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app
    from tests.utils.hostile import corpus, expected

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    for name, data in corpus():
        kind = "text/csv" if name.endswith(".csv") else "application/octet-stream"
        at.file_uploader(key="importera_fil").set_value((name, data, kind)).run()
        assert not at.exception, name
        want = expected()[name]
        if "refused" in want:
            assert at.error and want["refused"] in at.text[-1].value, name
            assert at.button(key="importera_apply").disabled, name
        else:
            assert not at.error, name
            assert f"bladet ”{want['sheet']}”" in "\n".join(c.value for c in at.caption), name


def test_importera_page_asks_about_the_comment_of_a_corrected_value(demo_engine):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    old = stored(demo_engine, "ARB04", "2025")
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    new_text = f"{old.value + 1:.1f}".replace(".", ",")
    at.file_uploader(key="importera_fil").set_value(("r.csv", csv_file(f"ARB04;2025;;;{new_text};{old.comment}"),
                                                     "text/csv")).run()
    assert not at.exception
    assert at.button(key="importera_apply").disabled
    assert not at.error, "only a choice is left: the page asks it rather than counting errors"
    assert any("Inget i filen är fel" in w.value and "tidigare kommentarer" in w.value for w in at.warning)
    assert old.comment in list(at.dataframe[0].value["Tidigare kommentar"])
    at.radio(key="importera_review").set_value("remove").run()
    assert not at.button(key="importera_apply").disabled
    at.button(key="importera_apply").click().run()
    assert not at.exception and any("1 ändrade" in s.value for s in at.success)
    assert stored(demo_engine, "ARB04", "2025").comment == ""


def test_importera_page_reads_the_antal_column(demo_engine):
    from indicators.access.users import create_user
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    header = "indikator;period;kön;område;värde;antal;kommentar"
    wrong = csv_file("ARB05;2026Q4;T;;25,5;många;", header=header)
    at.file_uploader(key="importera_fil").set_value(("fel.csv", wrong, "text/csv")).run()
    assert not at.exception
    assert any("Rad 2, antal: 'många' är inget antal" in t.value for t in at.text)
    assert any("Filen har 1 fel" in e.value for e in at.error) and not at.warning
    assert at.button(key="importera_apply").disabled
    at.file_uploader(key="importera_fil").set_value(("v.csv", csv_file("ARB05;2026Q4;T;;25,5;31;", header=header),
                                                     "text/csv")).run()
    at.button(key="importera_apply").click().run()
    assert not at.exception and any("Importerat: 1 nya" in s.value for s in at.success)
    assert stored(demo_engine, "ARB05", "2026Q4").count_n == 31


def test_importera_refuses_a_hundredfold_slip_until_the_user_confirms_the_rows(demo_engine):
    from decimal import Decimal

    from indicators.access.users import create_user
    from indicators.reporting import values
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    previous = Decimal(repr(stored(demo_engine, "ARB05", "2026Q3").value))
    meant, typed = values.plain_number(float(previous)), values.plain_number(float(previous / 100))
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    data = csv_file(f"ARB05;2026Q4;T;;{typed};Ny definition")
    at.file_uploader(key="importera_fil").set_value(("v.csv", data, "text/csv")).run()
    assert not at.exception
    assert any(f"Rad 2, värde: Menade du {meant} %?" in t.value for t in at.text)
    assert at.button(key="importera_apply").disabled and stored(demo_engine, "ARB05", "2026Q4") is None
    assert not at.error and any("Inget i filen är fel" in w.value and "rimlighet" in w.value for w in at.warning)
    [box] = at.checkbox
    assert box.label.startswith("Värdena på rad 2 är rätt som de står i filen")
    box.check().run()
    assert not at.exception and not at.button(key="importera_apply").disabled
    at.button(key="importera_apply").click().run()
    assert not at.exception and any("Importerat: 1 nya" in s.value for s in at.success)
    assert values.plain_number(stored(demo_engine, "ARB05", "2026Q4").value) == typed


RAW_PERIOD = re.compile(r"^\d{4}\s*[QqHh]\d$")


def test_importera_preview_shows_swedish_periods_and_genders_and_the_raw_text_only_where_wrong(demo_engine):
    """A downloaded template uploaded as it is: every row of the preview says the period as the
    page does ("2026 kv 3") and the gender as a word; a row that does not parse keeps the file's
    text, so the user sees what is wrong."""
    from datetime import date

    from indicators.access.users import create_user
    from indicators.reporting import import_template
    from tests.utils.apptest import logged_in_app

    create_user(UnitOfWork(demo_engine), ADMIN, "admin@exempel.invalid", "admin", password="ett-langt-losenord")
    template = import_template.template_xlsx(UnitOfWork(demo_engine), ADMIN, "2026Q4", today=date.today())
    at = logged_in_app("admin")
    at.run()
    at.switch_page("pages/importera.py").run()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="importera_fil").set_value(("mall.xlsx", template, kind)).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert len(table) > 5
    assert not [p for p in table["Period"] if RAW_PERIOD.match(str(p))], list(table["Period"])
    assert any(" halvår " in p or " kv " in p for p in table["Period"])  # the template has half-years
    assert set(table["Kön"]) <= {"Totalt", "Kvinnor", "Män"} and "Kvinnor" in set(table["Kön"])

    wrong = csv_file("ARB05;2026Q4;k;;25,5;", "ARB05;2026Q9;X;;25,5;")
    at.file_uploader(key="importera_fil").set_value(("fel.csv", wrong, "text/csv")).run()
    assert not at.exception and at.error
    table = at.dataframe[0].value
    assert list(table["Period"]) == ["2026 kv 4", "2026Q9"] and list(table["Kön"]) == ["Kvinnor", "X"]
