"""The Rådata of a frozen årsuppföljning: its values in the long format
(indikator;period;kön;område;värde;kommentar), the one view the CSV, the workbook's Rådata
sheets and the published CSV files are written from. A withheld value has no number and the
note in kommentar."""
from __future__ import annotations

from typing import Iterator

from indicators.files import long_format
from indicators.rules.formatting import decimal_text


def long_rows(content: dict) -> list[dict]:
    """The snapshot's values in the long format (indikator;period;kön;område;värde;kommentar)."""
    return list(iter_long_rows(content))


def iter_long_rows(content: dict) -> Iterator[dict]:
    """``long_rows`` one at a time."""
    for *head, value, comment in long_cells(content):
        yield dict(zip(long_format.LONG_COLUMNS, (*head, decimal_text(value), comment)))


def long_cells(content: dict) -> Iterator[tuple]:
    """The one long-format view of the content, row by row as cells for the files that stream
    them (CSV, XLSX): indikator, period, kön, område (its name), the value (a float, None when
    there is none or it is withheld) and kommentar (the note for a withheld value)."""
    names = {a["code"]: a["name"] for a in content["areas"]}
    note = long_format.SUPPRESSED_NOTE.format(n=content["method"]["suppression_threshold"])
    for v in content["values"]:
        yield (v["indicator"], v["period"], v["gender"], names.get(v["area"], v["area"]), v["value"],
               note if v["suppressed"] else v["comment"])


def csv_bytes(content: dict) -> bytes:
    """The snapshot's raw data as the long-format CSV."""
    return long_format.cells_to_csv_bytes(
        (code, period, gender, area, decimal_text(value), comment)
        for code, period, gender, area, value, comment in long_cells(content))
