"""Small shared UI pieces. User-entered text is always rendered escaped: st.text /
st.dataframe / st.markdown of escaped text, never ``unsafe_allow_html``."""
from __future__ import annotations

import re
from typing import Any, Callable

import streamlit as st

from errors import UppfoljningError
from indicators.rules.vocabulary import STATUS_COLOURS, STATUS_ICONS, STATUSES

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
# The characters that can start markup, a link, an image or HTML; messages keep their
# parentheses and full stops readable.
_MARKUP_STARTS = re.compile(r"([\\`*_\[\]#|<>~$])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML so user text shows literally inside st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))


def paragraph(text: object) -> str:
    """User text shown literally in Markdown, its line breaks kept."""
    return "  \n".join(md_escape(line) for line in str(text or "").splitlines())


def demo_banner(is_demo: bool) -> None:
    if is_demo:  # keyed, so the meeting mode can make it compact
        st.container(key="exempeldata").warning("**Exempeldata** – värdena är påhittade och visar bara hur uppföljningen fungerar.", icon=":material/science:")


def status_legend() -> None:
    st.caption("  ·  ".join(f"{STATUS_ICONS[s]} {s}" for s in STATUSES))


def status_badge(status: str) -> str:
    """Coloured icon + text via Streamlit's own Markdown colour syntax (no HTML)."""
    colour = {"#009E73": "green", "#0072B2": "blue", "#E69F00": "orange", "#D55E00": "red"}.get(STATUS_COLOURS[status], "gray")
    return f":{colour}[{STATUS_ICONS[status]} {status}]"


def show_error(error: UppfoljningError, heading: str = "") -> None:
    """Every refusal of the error family looks the same on every page: the Swedish message,
    then one line per row/field problem (user text shown literally, never as Markdown)."""
    st.error(_MARKUP_STARTS.sub(r"\\\1", heading or error.message))
    if heading:
        st.text(error.message)  # the message may quote user text: shown literally
    for problem in error.problems:
        st.text(str(problem))


def attempt(call: Callable[[], Any], heading: str = "") -> tuple[bool, Any]:
    """Run a service call; a refusal is shown with ``show_error`` and the page goes on.
    Returns (True, result) or (False, None)."""
    try:
        return True, call()
    except UppfoljningError as error:
        show_error(error, heading)
        return False, None
