"""Facts about the deterministic demo data the ``demo_engine`` fixture holds."""
from __future__ import annotations

from datetime import date

DEMO_TODAY = date(2026, 11, 22)  # the demo data is generated as of this day
FOLLOW_UP_YEAR = 2025  # the last full year of demo data: the year the annual follow-up tests snapshot

FOCUS_AREAS = ["Etablering på arbetsmarknaden", "Skola", "Bostad och samhällsservice", "Brottslighet", "Demokrati och civilsamhälle"]
