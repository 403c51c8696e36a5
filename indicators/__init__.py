"""Domain logic: plain Python, no Streamlit. Pages and the CLI call into this package."""
