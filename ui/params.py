"""View state in st.query_params, so a copied link opens the same view."""
from __future__ import annotations

from typing import Hashable, Mapping, Optional

import streamlit as st

ALL = "Alla"


def select_param(label: str, param: str, options: Mapping[Hashable, str], *, allow_all: bool = True) -> Optional[Hashable]:
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
