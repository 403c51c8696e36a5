"""`cli.py bench`: publishing the demo year — the static site with its tagged print PDF, built
from the frozen snapshot (budget: under 5 s). Measured on a fresh demo database; the snapshot
itself is measured beside it so the two are not mixed up."""
from __future__ import annotations

import time
from datetime import date

from benchmark import Figure, temp_demo_url
from db.engine import make_engine
from indicators.access.permissions import Actor
from indicators.annual import publication, snapshot
from indicators.unit_of_work import UnitOfWork


def publish_figures() -> list[Figure]:
    engine = make_engine(temp_demo_url())
    try:
        uow = UnitOfWork(engine)
        actor = Actor(email="bench@exempel.invalid", role="admin")
        start = time.perf_counter()
        snapshot_id, _sha, _files = snapshot.create_snapshot(uow, actor, 2025, snapshot_date=date(2026, 2, 1))
        frozen = time.perf_counter() - start
        material = snapshot.frozen_material(uow, snapshot_id)
        start = time.perf_counter()
        site = publication.build_site(*material)
        built = time.perf_counter() - start
        return [Figure("demoåret: årsuppföljning 2025", frozen, key="demo_snapshot"),
                Figure("demoåret: publicering (webbplats + pdf)", built,
                       note=f"{len(site)} filer, {sum(map(len, site.values())) // 1024} kB; budget 5 s", key="demo_publish")]
    finally:
        engine.dispose()
