"""Helpers shared by the tests: actors, demo facts, builders and small readers.

No fixtures here (they live in conftest.py) and no tests; a test module imports helpers
from this package only, never from another test module.
"""
