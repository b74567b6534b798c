"""What one machine is ready for: learners at once, from its free memory and the measured cost per learner."""

from __future__ import annotations

from dataclasses import dataclass

import psutil

from hocso.config import HubSettings

#: left for the hub, proxy, formgrader, the assistant and the system (measured: ~400 MiB together)
RESERVED_MB = 512


@dataclass(frozen=True)
class Readiness:
    available_mb: int
    mb_per_learner: int
    learners_at_once: int
    concurrent_spawns: int
    cpus: int

    def lines(self) -> list[str]:
        return [
            f"ready for {self.learners_at_once} learners at once "
            f"({self.mb_per_learner} MB per learner, {self.available_mb} MB free, {self.cpus} CPUs)",
            f"at most {self.concurrent_spawns} labs start at the same time; others are asked to wait",
        ]


def readiness(settings: HubSettings) -> Readiness:
    available = int(psutil.virtual_memory().available / 2**20)
    per_learner = settings.memory_mb_per_learner
    return Readiness(
        available_mb=available,
        mb_per_learner=per_learner,
        learners_at_once=max(0, (available - RESERVED_MB) // per_learner),
        concurrent_spawns=settings.concurrent_spawns,
        cpus=psutil.cpu_count() or 1,
    )
