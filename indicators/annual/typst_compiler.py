"""The print PDF's Typst compilation, each document in a child process of its own.

Typst memoizes layout results in a process-wide cache and keeps each of them for ten further
compilations, and what it frees then partly stays in its allocator's pools: measured at size
M, a process that had laid out one year's PDF still held about 1 GB, and 360 MB even after
the cache was aged out, growing by 30–50 MB with every further document. A server that
freezes a year now and then must not carry that, so every document is compiled by this file
run as a script (``python typst_compiler.py``: a ``request`` file on stdin, the PDF on
stdout) and all of its memory goes back to the system when the child ends. Starting
it costs some 40 ms; the caller's thread waits without Python's lock, so the rest of the
snapshot goes on meanwhile. One document at a time (a lock): two freezes never hold two
layouts at once.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from typing import IO

_LOCK = threading.Lock()
_REFUSED = 2  # the child's exit code when Typst refused the document (its message on stderr)
_PEAK = {"mb": 0.0}  # the last layout's peak resident memory, as its process measured it


class LayoutError(RuntimeError):
    """Typst could not lay the document out (its message), or its process failed."""


def compile_pdf(source: bytes, sys_inputs: dict[str, str], pdf_standards: list[str]) -> bytes:
    """The PDF of the Typst ``source`` with ``sys.inputs`` and the PDF standards asked for."""
    return lay_out(request(source, sys_inputs, pdf_standards))


def request(source: bytes, sys_inputs: dict[str, str], pdf_standards: list[str]) -> IO[bytes]:
    """The document for ``lay_out``, in a temporary file: the caller can let go of the source
    and the inputs (at size M the texts are 20 MB) before the layout starts. A header line,
    then the source and each input as they are (no second, escaped copy)."""
    parts = [source] + [value.encode("utf-8") for value in sys_inputs.values()]
    header = {"standards": pdf_standards, "inputs": list(sys_inputs), "lengths": [len(p) for p in parts]}
    file = tempfile.TemporaryFile()
    file.write(json.dumps(header).encode("ascii") + b"\n")
    for part in parts:
        file.write(part)
    file.seek(0)
    return file


def lay_out(document: IO[bytes]) -> bytes:
    """Run the child process on a ``request`` (and close it); the PDF, or a LayoutError."""
    with _LOCK, document, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Files, not pipes: nothing to deadlock on, and the PDF is read once, not gathered in chunks.
        code = subprocess.run([sys.executable, __file__], stdin=document, stdout=out, stderr=err,
                              check=False).returncode
        err.seek(0)
        message = err.read().decode("utf-8", "replace").strip()
        if code != 0:
            if code != _REFUSED:
                message = f"utskriftsversionens process avslutades med kod {code}: {message[-2000:]}"
            raise LayoutError(message)
        out.seek(0)
        pdf = out.read()
    _PEAK["mb"] = float(json.loads(message or "{}").get("peak_mb", 0.0))
    return pdf


def last_peak_mb() -> float:
    """The peak resident memory of the last document's layout process (VmHWM; the benchmark
    reports it beside the snapshot's own)."""
    return _PEAK["mb"]


def _main() -> int:
    import typst

    stream = sys.stdin.buffer
    header = json.loads(stream.readline())
    source, *values = (stream.read(length) for length in header["lengths"])
    inputs = {name: value.decode("utf-8") for name, value in zip(header["inputs"], values)}
    try:
        pdf = typst.compile(source, format="pdf", pdf_standards=header["standards"], sys_inputs=inputs)
    except typst.TypstError as exc:
        sys.stderr.write(str(exc))
        return _REFUSED
    sys.stdout.buffer.write(pdf)
    sys.stderr.write(json.dumps({"peak_mb": _peak_mb()}))
    return 0


def _peak_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration):  # not Linux
        return 0.0


if __name__ == "__main__":
    sys.exit(_main())
