"""Bounds for the fuzz runs (Hypothesis over the pages, schemathesis over the API): every run is seeded and stops at
its example count or its time budget, whichever comes first, so CI stays well inside its time."""

from __future__ import annotations

import time


class Budget:
    """Seconds a property run may spend; examples after that pass at once (Hypothesis still counts them)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def spent(self) -> bool:
        return time.monotonic() > self.deadline
