"""Streamlit helpers shared by app.py and the pages: login, caching, small components."""
