"""The process's Typst compiler: one document at a time, and its memory given back afterwards.

Typst memoizes layout results in a process-wide cache and drops an entry only after ten
further compilations have not used it (typst-py calls ``comemo::evict(10)`` after each). In a
long-running server, where a year is frozen now and then, each print PDF would so stay in
memory for ten more — about 1 GB each at size M, 100 MB at S. After each document a
background thread runs ten empty compilations (which ages every entry of the document out)
and hands the freed pages back to the system (``malloc_trim``); the caller does not wait for
it, and the next document waits for it (one lock), so at most one document's cache is ever
held. Fonts are read once, when the compiler is first used.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading

CACHE_AGE = 10  # typst-py's comemo::evict(10): an entry goes after ten compilations without it
_LOCK = threading.Lock()
_COMPILER = None


def compile_pdf(source: bytes, sys_inputs: dict[str, str], pdf_standards: list[str]) -> bytes:
    """The PDF of ``source``; the Typst caches it leaves are released in the background."""
    _LOCK.acquire()
    try:
        pdf = _compiler().compile(source, format="pdf", pdf_standards=pdf_standards, sys_inputs=sys_inputs)
    except BaseException:
        _LOCK.release()
        raise
    threading.Thread(target=_release_then_unlock, name="typst-release", daemon=True).start()
    return pdf


def wait_released() -> None:
    """Return once the last document's caches are released (tests and the benchmark)."""
    with _LOCK:
        pass


def _compiler():
    global _COMPILER
    if _COMPILER is None:
        import typst  # imported here: only freezing a year needs it

        _COMPILER = typst.Compiler()
    return _COMPILER


def _release_then_unlock() -> None:
    try:
        release_caches()
    finally:
        _LOCK.release()


def release_caches() -> None:
    """Age every cached Typst result out and give the freed memory back (call with the lock held)."""
    compiler = _compiler()
    for _ in range(CACHE_AGE):
        compiler.compile(b"", format="svg", sys_inputs={})
    trim()


def trim_available() -> bool:
    """Whether freed memory can be handed back (glibc's malloc_trim)."""
    return _libc() is not None and hasattr(_libc(), "malloc_trim")


def trim() -> None:
    """Hand freed memory back to the system (glibc), e.g. after a document."""
    if trim_available():  # elsewhere the allocator keeps its freed pages for the next document
        _libc().malloc_trim(0)


def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None
