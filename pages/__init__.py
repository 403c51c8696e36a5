"""Streamlit pages: one file per page, thin (no SQL or rules); navigation lives in app.py."""
