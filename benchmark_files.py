"""Bench figures for refused files (``python cli.py bench --refused``): every hostile file
of up to the upload limit must be refused in at most 2 s and 300 MB peak memory.

Each file is built here, then read in a fresh child process (``python benchmark_files.py
NAME FILE``) so that its peak resident memory (ru_maxrss, the whole interpreter with
openpyxl and pandas loaded: VmHWM) is its own; the time is the refusal alone, measured inside
the child.
"""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

BUDGET_SECONDS, BUDGET_MB = 2.0, 300
HEADER = ["indikator", "period", "kön", "område", "värde", "kommentar"]
SHEET = "xl/worksheets/sheet1.xml"


def _book(rows: int = 1) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Värden")
    sheet.append(HEADER)
    for _ in range(rows):
        sheet.append(["ARB05", "2026Q4", "T", "", 25.5, "bänktest"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, member: str, write) -> bytes:
    """The zip with ``member`` replaced by what ``write(target_file)`` streams into it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == member:
                with target.open(member, "w", force_zip64=True) as part:
                    write(part)
            else:
                target.writestr(item.filename, source.read(item.filename))
    return out.getvalue()


def zip_bomb() -> bytes:
    """About 1 MB that inflates to 1 GB (one sheet of zeros)."""
    def write(part):
        chunk = b"0" * (1 << 20)
        for _ in range(1024):
            part.write(chunk)
    return _rewrite(_book(), SHEET, write)


def huge_dimension() -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(_book())).read(SHEET)
    return _rewrite(_book(), SHEET, lambda part: part.write(
        xml.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)))


def far_row() -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(_book())).read(SHEET)
    far = b'<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row></sheetData>'
    return _rewrite(_book(), SHEET, lambda part: part.write(xml.replace(b"</sheetData>", far)))


def too_many_rows() -> bytes:
    return _book(30_000)


def truncated() -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(_book(20_000))).read(SHEET)
    return _rewrite(_book(), SHEET, lambda part: part.write(xml[: len(xml) * 2 // 3]))


def wide_row() -> bytes:
    """One row of empty cells, as many as the member and ratio limits allow."""
    def write(part):
        part.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                   b'<row r="1">')
        cell = b'<c r="A1"/>'
        for _ in range(24 * 1024 * 1024 // len(cell) // 4096):
            part.write(cell * 4096)
        part.write(b"</row></sheetData></worksheet>")
    return _rewrite(_book(), SHEET, write)


def csv_unbalanced() -> bytes:
    rows = ["indikator;period;kön;område;värde;kommentar", 'ARB05;2026Q4;T;;25;"öppet']
    rows += ["ARB05;2026Q4;K;;26;en rad som slukas"] * 120_000
    return "\r\n".join(rows).encode()[: 5 * 1024 * 1024]


def csv_long_field() -> bytes:
    return ("indikator;period;kön;område;värde;kommentar\r\nARB05;2026Q4;T;;25;\"" + "x" * (5 * 1024 * 1024 - 80)
            + "\"\r\n").encode()


def kolada_deep() -> bytes:
    depth = 2 * 1024 * 1024
    return b"[" * depth + b"]" * depth


def kolada_numbers() -> bytes:
    row = '{"gender": "T", "status": "", "value": 1e400}'
    return ('{"values": [{"kpi": "N03926", "municipality": "0583", "period": 2023, "values": ['
            + ", ".join([row] * 100_000) + "]}]}").encode()


def too_large() -> bytes:
    return b"0" * (5 * 1024 * 1024 + 1)


FILES = {
    "zip-bomb (1 MB -> 1 GB).xlsx": zip_bomb, "deklarerad dimension A1:XFD1048576.xlsx": huge_dimension,
    "rad 1048576.xlsx": far_row, "30 000 rader.xlsx": too_many_rows, "avklippt blad-XML.xlsx": truncated,
    "en rad med 2 miljoner celler.xlsx": wide_row, "ostängt citattecken.csv": csv_unbalanced,
    "fält på 5 MB.csv": csv_long_field, "kolada djup nästling.json": kolada_deep,
    "kolada tal 1e400.json": kolada_numbers, "för stor fil.xlsx": too_large,
}


@dataclass
class Refusal:
    name: str
    size: int
    seconds: float
    peak_mb: float
    message: str

    @property
    def within_budget(self) -> bool:
        return self.seconds <= BUDGET_SECONDS and self.peak_mb <= BUDGET_MB


def _refuse(name: str, data: bytes) -> str:
    """The refusal message the import gives (empty when the file was accepted)."""
    from errors import UppfoljningError
    from indicators.reporting.file_import import read_file
    from indicators.sources.kolada import load_pages, parse_pages

    if name.endswith(".json"):
        try:
            parse_pages(load_pages(data, name))
        except UppfoljningError as error:
            return error.message
        return ""
    return "; ".join(read_file(name, data).errors[:1])


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM (ru_maxrss would carry the parent's over exec)."""
    return _status_mb("VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """This process's resident memory now (VmRSS; 0 where /proc is missing)."""
    return _status_mb("VmRSS:")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def child(name: str, path: str) -> None:
    data = Path(path).read_bytes()
    _refuse("warm-up.csv", b"indikator;period;v\r\n")  # imports outside the timing
    start = time.perf_counter()
    message = _refuse(name, data)
    seconds = time.perf_counter() - start
    peak_mb = _peak_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "message": message}))


def measure() -> list[Refusal]:
    out = []
    with tempfile.TemporaryDirectory(prefix="uppfoljning-refused-") as tmp:
        for name, build in FILES.items():
            data = build()
            path = Path(tmp) / "file"
            path.write_bytes(data)
            done = subprocess.run([sys.executable, __file__, name, str(path)], capture_output=True, text=True,
                                  cwd=Path(__file__).parent, timeout=300)
            figures = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else \
                {"seconds": float("nan"), "peak_mb": float("nan"), "message": ""}
            out.append(Refusal(name, len(data), figures["seconds"], figures["peak_mb"], figures["message"]))
    return out


def table(refusals: list[Refusal]) -> str:
    lines = [f"Avvisade filer (budget ≤ {BUDGET_SECONDS:g} s och ≤ {BUDGET_MB} MB toppminne per fil)",
             f"{'fil':<42}{'storlek':>10}{'tid (ms)':>10}{'topp (MB)':>11}  inom budget  meddelande"]
    for r in refusals:
        size = f"{r.size / 1024:,.0f} kB".replace(",", " ")
        ok = "ja" if r.within_budget else "NEJ"
        message = r.message or "tas emot (den deklarerade dimensionen ignoreras)"
        lines.append(f"{r.name:<42}{size:>10}{r.seconds * 1000:10.0f}{r.peak_mb:11.0f}  {ok:<11}  {message[:70]}")
    return "\n".join(lines)


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
