"""`cli.py bench`: the demo year frozen and published. Freezing makes the tagged print PDF
(laid out once, stored with the snapshot); publishing builds the static site from the frozen
snapshot and ships that PDF as it is (budget for both together: under 5 s). Measured on a
fresh demo database, each part on its own so they are not mixed up."""
from __future__ import annotations

import time
from datetime import date

from benchmark import Figure, print_figure, temp_demo_url
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
        snapshot_id, sha, _files = snapshot.create_snapshot(uow, actor, 2025, snapshot_date=date(2026, 2, 1))
        frozen = time.perf_counter() - start
        material = snapshot.frozen_material(uow, snapshot_id)
        start = time.perf_counter()
        site = publication.build_site(*material)
        built = time.perf_counter() - start
        return [Figure("demoåret: årsuppföljning 2025 (json, csv, xlsx, pdf)", frozen),
                print_figure("demoåret: varav utskriftsversionen (taggad pdf)", material[0], sha),
                Figure("demoåret: publicering (webbplats, pdf:en från årsuppföljningen)", built,
                       note=f"{len(site)} filer, {sum(map(len, site.values())) // 1024} kB"),
                Figure("demoåret: frysa + publicera", frozen + built, note="budget 5 s")]
    finally:
        engine.dispose()
