"""`cli.py bench`: the figures that write — a 10 000-row import beside python-calamine
parsing the same file, and the full-year årsuppföljning (with and without its print PDF,
with peak memory) beside writing the same bytes from the content already computed."""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

import benchmark_floors as floors
from benchmark import BENCH_TODAY, Figure, Report, median_time, print_figure
from db.engine import session_scope
from db.models import Area, Indicator, Measurement
from indicators.access.permissions import Actor
from indicators.unit_of_work import UnitOfWork

ACTOR = Actor(email="bench@exempel.invalid", role="admin")
SNAPSHOT_DAY = date(2026, 2, 1)
IMPORT_NAME = "bench.xlsx"


def import_file_bytes(engine: Engine, rows: int = 10_000) -> bytes:
    """An XLSX in the long format that changes ``rows`` existing values (worst case: every
    row is an update with an audit event)."""
    from openpyxl import Workbook

    stmt = (select(Indicator.code, Measurement.period, Measurement.gender, Area.name, Measurement.value)
            .join(Indicator, Indicator.id == Measurement.indicator_id).join(Area, Area.id == Measurement.area_id)
            .where(Indicator.code.like("B%-%")).order_by(Measurement.id).limit(rows))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Värden")
    sheet.append(["indikator", "period", "kön", "område", "värde", "kommentar"])
    with session_scope(engine) as session:
        for code, period, gender, area, value in session.execute(stmt):
            sheet.append([code, period, gender, area, round(value + 0.1, 1), "bänktest"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def raw_openpyxl_parse(data: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def import_figure(engine: Engine, report: Report) -> None:
    from indicators.reporting import file_import

    data = import_file_bytes(engine)
    floors.check_import(file_import.read_file("bench.xlsx", data), floors.calamine_rows(data))
    floor = median_time(lambda: floors.calamine_rows(data), 3)
    reason = f"import av {IMPORT_NAME}"
    written = []
    write_floor = median_time(lambda: written.append(floors.import_write_floor(engine, data, ACTOR.email, reason)), 3)
    start = time.perf_counter()
    _prepared, result = file_import.import_file(UnitOfWork(engine), ACTOR, IMPORT_NAME, data, today=BENCH_TODAY)
    seconds = time.perf_counter() - start
    floors.check_import_write(floors.stored_import(engine, sorted(written[-1].rows), reason), written[-1])
    note = f"{result.counts()}" if result.ok else f"FEL: {[str(e) for e in result.errors[:3]]}"
    note += (f"; {seconds / write_floor:.1f} × läsning och samma skrivningar direkt ({write_floor * 1000:.0f} ms)"
             .replace(".", ","))
    report.figures.append(Figure("import av 10 000 rader (xlsx)", seconds, "python-calamine läser filen", floor, note,
                                 key="import_10k", extra={
                                     "old_floor": "rå openpyxl-läsning av filen",
                                     "old_floor_seconds": median_time(lambda: raw_openpyxl_parse(data), 3),
                                     "write_floor": "python-calamine + samma ändringar och logg skrivna direkt",
                                     "write_floor_seconds": write_floor, "write_ratio": seconds / write_floor}))


def _files_without_pdf(uow: UnitOfWork, year: int, with_pdf: bool = False) -> dict[str, bytes]:
    from indicators.annual import content_builder, snapshot

    content = content_builder.build_content(uow, year, SNAPSHOT_DAY)
    data = content_builder.canonical_json(content)
    return snapshot.render_files(content, data, content_builder.content_hash(data), with_pdf=with_pdf)


def files_memory_mb(engine: Engine, year: int, with_pdf: bool = False) -> dict[str, float]:
    """The memory of ``_files_without_pdf`` alone (``with_pdf``: the print PDF too), run in a
    fresh child process (``python benchmark_writes.py YEAR [pdf]``, the database URL on stdin,
    never in the process list): ``maxrss_mb`` (its peak), ``resident_after_mb`` (what it still
    holds once the files are made and dropped, as a server would go on) and
    ``layout_maxrss_mb`` (the peak of the PDF's own layout process)."""
    command = [sys.executable, __file__, str(year)] + (["pdf"] if with_pdf else [])
    done = subprocess.run(command, input=engine.url.render_as_string(hide_password=False),
                          capture_output=True, text=True, cwd=Path(__file__).parent, timeout=1800)
    if done.returncode != 0:
        return {"maxrss_mb": float("nan"), "resident_after_mb": float("nan"), "layout_maxrss_mb": float("nan")}
    return json.loads(done.stdout.strip().splitlines()[-1])


def snapshot_figures(engine: Engine, report: Report, year: int = 2025) -> None:
    from indicators.annual import content_builder, snapshot

    uow = UnitOfWork(engine)
    start = time.perf_counter()
    snapshot_id, sha, _names = snapshot.create_snapshot(uow, ACTOR, year, snapshot_date=SNAPSHOT_DAY)
    whole = time.perf_counter() - start
    report.figures.append(Figure(f"årsuppföljning {year} (json, csv, xlsx, pdf, sparad)", whole, key="snapshot_year_with_pdf"))

    start = time.perf_counter()
    files = _files_without_pdf(uow, year)
    without_pdf = time.perf_counter() - start
    stored = snapshot.frozen_material(uow, snapshot_id)[1]
    floors.check_snapshot(stored, floors.snapshot_floor(files))
    floor = median_time(lambda: floors.snapshot_floor(files), 3)
    tracemalloc.start()
    _files_without_pdf(uow, year)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    bench_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process: the PDF, the pages, …
    maxrss_mb = files_memory_mb(engine, year)["maxrss_mb"]
    with_pdf = files_memory_mb(engine, year, with_pdf=True)
    maxrss_with_pdf_mb = with_pdf["maxrss_mb"]
    report.figures.append(Figure(
        f"årsuppföljning {year} utan pdf (innehåll, json, csv, xlsx)", without_pdf, "samma bytes skrivna och hashade",
        floor, f"topp {peak / 2**20:.0f} MB Python-minne (tracemalloc), processens topp {maxrss_mb:.0f} MB "
               f"({maxrss_with_pdf_mb:.0f} MB med pdf:en; pdf:ens layout i en egen process: topp "
               f"{with_pdf['layout_maxrss_mb']:.0f} MB)",
        key="snapshot_year", extra={"peak_mb": peak / 2**20, "maxrss_mb": maxrss_mb,
                                    "maxrss_with_pdf_mb": maxrss_with_pdf_mb, "bench_process_maxrss_mb": bench_mb,
                                    "resident_after_pdf_mb": with_pdf["resident_after_mb"],
                                    "layout_maxrss_mb": with_pdf["layout_maxrss_mb"]}))

    content = snapshot.snapshot_content(uow, snapshot_id)
    report.figures.append(print_figure(f"årsuppföljning {year}: varav pdf (taggad utskriftsversion)", content, sha,
                                       key="snapshot_pdf"))
    assert content_builder.content_hash(content_builder.canonical_json(content)) == sha


def write_figures(engine: Engine, report: Report) -> None:
    import_figure(engine, report)
    snapshot_figures(engine, report)


if __name__ == "__main__":  # files_memory_mb's child
    import ctypes

    from benchmark_files import _peak_mb, resident_mb
    from db.engine import make_engine
    from indicators.annual import typst_compiler

    _files_without_pdf(UnitOfWork(make_engine(sys.stdin.read().strip())), int(sys.argv[1]), with_pdf="pdf" in sys.argv[2:])
    ctypes.CDLL(None).malloc_trim(0)  # what the allocator can give back, as a server's would over time
    # The PDF's layout runs in a child of this process (indicators/annual/typst_compiler.py): its peak apart.
    print(json.dumps({"maxrss_mb": _peak_mb(), "resident_after_mb": resident_mb(),
                      "layout_maxrss_mb": typst_compiler.last_peak_mb()}))
