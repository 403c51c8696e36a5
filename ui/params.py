"""View state in st.query_params, so a copied link opens the same view."""
from __future__ import annotations

from typing import Callable, Hashable, Mapping, Optional, TypeVar

import streamlit as st

ALL = "Alla"
T = TypeVar("T")


def select_param(label: str, param: str, options: Mapping[Hashable, str], *,
                 allow_all: bool = True) -> Optional[Hashable]:
    """A selectbox whose choice lives in the URL as ?param=key."""
    keys = list(options.keys())
    choices = ([None] if allow_all else []) + keys
    raw = st.query_params.get(param)
    current = next((k for k in keys if str(k) == raw), None if allow_all else (keys[0] if keys else None))
    chosen = st.selectbox(
        label, choices, index=choices.index(current) if current in choices else 0,
        format_func=lambda k: ALL if k is None else options[k], key=f"qp_{param}",
    )
    if chosen is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(chosen)
    return chosen


def select_one(label: str, param: str, options: Mapping[Hashable, str], load: Callable[[Hashable], Optional[T]],
               empty: str) -> tuple[Hashable, T]:
    """The one thing a page is about: chosen in the URL (?param=key, see ``select_param``)
    and read with ``load``. When there is nothing to show, says ``empty`` and stops the page."""
    key = select_param(label, param, options, allow_all=False)
    loaded = load(key) if key else None
    if loaded is None:
        st.info(empty)
        st.stop()
    return key, loaded
