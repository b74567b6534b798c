"""How many kernels a class gets: warm ones waiting for the class, and a cap on visitors' kernels.

Every app page a visitor opens holds a kernel (~70 MB) until it is culled; without a cap ten plain GETs
left ten kernels for fifteen minutes. `VisitorKernels` counts the kernels handed to visitors (a warm
one taken from a pool, or one started for the request) and says when the class is full, so the
gate (`hocso.present.access`) answers "the class is full, try again in a minute" instead.

For a class (``--class-size``, course.toml ``[present] class_size``), `hocso present APP` keeps one
warm kernel per learner for that app before the class arrives; as visitors take them, the pool
shrinks back to ``pool_size`` instead of starting a second class's worth of kernels.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hocso.present.visitors import current_visitor
from hocso.present.warm_pool import readiness

DEFAULT_VISITOR_KERNEL_CAP = 60  # without a class size: 60 x ~70 MB stays under 5 GB


def visitor_kernel_cap(class_size: int | None, configured: int | None) -> int:
    """The configured cap, else two per learner of the class (a reload, a second app), else 60."""
    if configured:
        return configured
    return 2 * class_size if class_size else DEFAULT_VISITOR_KERNEL_CAP


@dataclass
class VisitorKernels:
    """The kernels visitors hold in a Voila kernel manager (warm ones waiting in pools excluded), and
    which visitor (browser, `hocso.present.visitors`) took each one."""

    kernel_manager: Any
    cap: int
    ids: set[str] = field(default_factory=set)
    owners: dict[str, str] = field(default_factory=dict)

    def install(self) -> None:
        """Record kernel ids as Voila hands them out: taken from a warm pool, or started for a page
        (warm pools start theirs through the class's own `start_kernel`, not this instance's)."""
        manager = self.kernel_manager
        start_kernel = manager.start_kernel
        get_rendered = getattr(manager, "get_rendered_notebook", None)

        async def started_for_a_visitor(*args: Any, **kwargs: Any) -> str:
            kernel_id = await start_kernel(*args, **kwargs)
            self._handed_out(kernel_id)
            return kernel_id

        manager.start_kernel = started_for_a_visitor
        if get_rendered is not None:

            async def taken_from_a_pool(*args: Any, **kwargs: Any) -> Any:
                render_task, rendered, kernel_id = await get_rendered(*args, **kwargs)
                self._handed_out(kernel_id)
                return render_task, rendered, kernel_id

            manager.get_rendered_notebook = taken_from_a_pool

    def _handed_out(self, kernel_id: str) -> None:
        """Called in the page request that took the kernel, so `current_visitor` is its visitor."""
        self.ids.add(kernel_id)
        visitor = current_visitor.get()
        if visitor:
            self.owners[kernel_id] = visitor

    def count(self) -> int:
        """Visitor kernels still running (culled and stopped ones drop out)."""
        running = set(self.kernel_manager.list_kernel_ids())
        self.ids &= running
        self.owners = {kernel: visitor for kernel, visitor in self.owners.items() if kernel in running}
        return len(self.ids)

    def visitor_of(self, kernel_id: str) -> str | None:
        """The visitor who took this kernel, while it runs; None for a warm kernel nobody took yet,
        a stopped one, or one that was never this server's."""
        self.count()
        return self.owners.get(kernel_id)

    def full(self) -> bool:
        return self.count() >= self.cap


@dataclass
class ClassWarmth:
    """Keeps `class_size` warm kernels for one app until visitors take them, then `pool_size`."""

    kernel_manager: Any
    app_file: str
    class_size: int
    pool_size: int
    visitors: VisitorKernels
    started_at: float = field(default_factory=time.monotonic)

    def target(self) -> int:
        return max(self.pool_size, self.class_size - self.visitors.count())

    def install(self) -> None:
        """Voila refills a pool to its configured size after each use; set that size first."""
        manager = self.kernel_manager
        fill_if_needed = manager.fill_if_needed

        def fill_for_the_class(*args: Any, **kwargs: Any) -> None:
            if kwargs.get("notebook_name") == self.app_file:
                manager.kernel_pools_config[self.app_file]["pool_size"] = self.target()
            fill_if_needed(*args, **kwargs)

        manager.fill_if_needed = fill_for_the_class

    def warm(self) -> tuple[int, bool]:
        """Warm kernels ready now (started, app run) for the app, and whether every kernel the pool
        was asked for has settled: app run, or failed (a slow machine times some out)."""
        return readiness(getattr(self.kernel_manager, "_pools", {}).get(self.app_file, []))


def announce_when_ready(warmth: ClassWarmth, say: Callable[[int, float], None]) -> Callable[[], bool]:
    """A check to run periodically: calls `say(warm, seconds)` once, when the class's kernels are
    warm (or all have finished starting, however many made it); True from then on."""
    said = False

    def check() -> bool:
        nonlocal said
        if said:
            return True
        warm, settled = warmth.warm()
        if warm >= warmth.class_size or settled:
            said = True
            say(warm, time.monotonic() - warmth.started_at)
        return said

    return check
