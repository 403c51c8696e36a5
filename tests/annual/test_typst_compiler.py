"""Each print PDF is laid out in a child process, so the server gets all of its memory back:
in-process, Typst keeps each document's layout cache for ten further compilations and its
pools keep part of the rest, so a server freezing years would grow by about a document each
time (80 MB at size S, 1 GB at M)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indicators.annual import typst_compiler

ROWS = 1500  # a table over about 40 pages: its layout holds tens of MB, far above the allocator's noise


CHILD = """
import ctypes, json, sys
from indicators.annual import typst_compiler
from tests.annual.test_typst_compiler import _document

def resident_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        return int(next(l for l in status if l.startswith("VmRSS:")).split()[1]) / 1024

def render(run):
    source, inputs = _document(run)
    if sys.argv[1] == "in-process":  # what compiling in the server's own process holds on to
        import typst
        pdf = typst.compile(source, format="pdf", pdf_standards=["ua-1"], sys_inputs=inputs)
    else:
        pdf = typst_compiler.compile_pdf(source, inputs, ["ua-1"])
    assert pdf.startswith(b"%PDF-")
    ctypes.CDLL(None).malloc_trim(0)  # what the allocator could give back, it gives back

before = resident_mb()
render(0)
first = resident_mb()
for run in range(1, 5):
    render(run)
print(json.dumps({"one": first - before, "four_more": resident_mb() - first}))
"""


def _grown(mode: str) -> dict[str, float]:
    """In a fresh process (nothing else on its heap): what one document adds, and four more."""
    done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _document(run: int) -> tuple[bytes, dict[str, str]]:
    """A long table whose every cell differs from run to run (so no cached result is reused)."""
    texts = [f"Rad {row} i körning {run}" for row in range(ROWS)]
    source = ('#let T = json(bytes(sys.inputs.texts))\n#set document(title: "Prov")\n#set text(lang: "sv")\n= Prov\n'
              '#table(columns: 3, ..T.map(t => (t, t + " b", t + " c")).flatten())\n')
    return source.encode(), {"texts": json.dumps(texts)}


def test_a_server_does_not_grow_by_the_documents_it_lays_out():
    child, inside = _grown("child"), _grown("in-process")
    assert inside["one"] > 20 and inside["four_more"] > 2 * inside["one"], inside  # what this guards against
    assert child["one"] < 10 and child["four_more"] < 10, child


def test_documents_are_compiled_one_at_a_time_and_each_caller_gets_its_own():
    results: dict[int, bytes] = {}

    def render(run: int) -> None:
        source, inputs = _document(run)
        results[run] = typst_compiler.compile_pdf(source, inputs, [])

    threads = [threading.Thread(target=render, args=(run,)) for run in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1, 2]
    assert all(pdf.startswith(b"%PDF-") for pdf in results.values())
    assert len(set(results.values())) == 3  # nobody got another caller's document


def test_a_refused_document_names_typsts_reason_and_the_next_one_is_laid_out():
    with pytest.raises(typst_compiler.LayoutError, match="unclosed delimiter"):
        typst_compiler.compile_pdf(b"#let x = (", {}, [])
    source, inputs = _document(99)
    assert typst_compiler.compile_pdf(source, inputs, []).startswith(b"%PDF-")
