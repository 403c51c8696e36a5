"""The Typst compiler gives a document's memory back: Typst keeps each document's layout
cache for ten further compilations, so a server freezing years would otherwise grow by a whole
document each time (about 80 MB at size S, 1 GB at M)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indicators.annual import typst_compiler

ROWS = 1500  # a table over about 40 pages: its cache is tens of MB, far above the allocator's noise


CHILD = """
import json, sys
from indicators.annual import typst_compiler

def resident_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        return int(next(l for l in status if l.startswith("VmRSS:")).split()[1]) / 1024

def render(run):
    texts = [f"Rad {row} i körning {run}" for row in range(%d)]
    source = ('#let T = json(bytes(sys.inputs.texts))\\n#set document(title: "Prov")\\n#set text(lang: "sv")\\n'
              '= Prov\\n#table(columns: 3, ..T.map(t => (t, t + " b", t + " c")).flatten())\\n')
    assert typst_compiler.compile_pdf(source.encode(), {"texts": json.dumps(texts)}, ["ua-1"]).startswith(b"%%PDF-")
    typst_compiler.wait_released()
    typst_compiler.trim()

if sys.argv[1] == "keep":  # what typst-py alone does: the cache stays for ten compilations
    typst_compiler.release_caches = typst_compiler.trim
before = resident_mb()
render(0)
first = resident_mb()
for run in range(1, 5):
    render(run)
print(json.dumps({"one": first - before, "four_more": resident_mb() - first}))
""" % ROWS


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


@pytest.mark.skipif(not typst_compiler.trim_available(), reason="not glibc: the allocator keeps freed pages")
def test_each_documents_cache_is_released_so_a_server_does_not_grow_per_document():
    released, kept = _grown("release"), _grown("keep")
    assert kept["one"] > 20 and released["one"] > 20, (kept, released)
    assert kept["four_more"] > 2 * kept["one"], kept  # the growth this guards against is really there
    assert released["four_more"] < released["one"] / 2, released


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
    typst_compiler.wait_released()
    assert sorted(results) == [0, 1, 2]
    assert all(pdf.startswith(b"%PDF-") for pdf in results.values())
    assert len(set(results.values())) == 3  # nobody got another caller's document


def test_a_failing_document_leaves_the_compiler_usable():
    import typst

    with pytest.raises(typst.TypstError):
        typst_compiler.compile_pdf(b"#let x = (", {}, [])
    source, inputs = _document(99)
    assert typst_compiler.compile_pdf(source, inputs, []).startswith(b"%PDF-")
    typst_compiler.wait_released()
