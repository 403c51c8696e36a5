"""Small shared UI pieces. User-entered text is always rendered escaped: st.text /
st.dataframe / st.markdown of escaped text, never ``unsafe_allow_html``."""
from __future__ import annotations

import re

import streamlit as st

from indicators.rules.vocabulary import STATUS_COLOURS, STATUS_ICONS, STATUSES

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: object) -> str:
    """Escape Markdown and HTML so user text shows literally inside st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))


def demo_banner(is_demo: bool) -> None:
    if is_demo:
        st.warning("**Exempeldata** – värdena är påhittade och visar bara hur uppföljningen fungerar.", icon=":material/science:")


def status_legend() -> None:
    st.caption("  ·  ".join(f"{STATUS_ICONS[s]} {s}" for s in STATUSES))


def status_badge(status: str) -> str:
    """Coloured icon + text via Streamlit's own Markdown colour syntax (no HTML)."""
    colour = {"#009E73": "green", "#0072B2": "blue", "#E69F00": "orange", "#D55E00": "red"}.get(STATUS_COLOURS[status], "gray")
    return f":{colour}[{STATUS_ICONS[status]} {status}]"
