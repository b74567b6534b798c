"""Only working warm kernels reach a visitor.

Voila hands out its warm kernels in the order they were started, whatever became of them: a kernel
that died while it waited (a port another program took, the out-of-memory killer, a crash), or whose
page render failed (the kernel did not answer in time), is still given to the next visitor. The page
then arrives with HTTP 200 but without its kernel (the render stopped before the kernel id was
written: "page has no kernel id", one visitor of 40 in the lead's burst), or with the id of a dead
kernel, and the phone shows widgets that never answer.

`hand_out_working_kernels` puts a check in front of Voila's `get_rendered_notebook`: broken warm
kernels (dead, stopped, start or render failed) are taken out of the pool and stopped, one is
started at once when that leaves the pool empty, and a kernel found broken as it is handed out is
replaced by the next one (at most `MAX_TRIES` times; then the page fails with an HTTP error instead of
a page that cannot work). Left open: a kernel handed out while still starting (the class came
before it was warm) that dies before it first answers; its page still ends without the kernel id.

The present server also turns jupyter_client's automatic restart off (``hocso.present.server``): a
restarted kernel has not run its app, so its page's widgets are gone; a dead kernel stays dead, is
seen as such here and is never handed out.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_core.utils import ensure_async

MAX_TRIES = 3


class NoWorkingKernel(RuntimeError):
    """Every warm kernel tried for a page was broken."""


async def broken(manager: Any, pool_item: asyncio.Future) -> str | None:
    """Why a warm kernel (a finished pool item) cannot serve a page, or None when it can (or is not
    finished yet: starting kernels are waited for by the page, as Voila does)."""
    if not pool_item.done():
        return None
    if pool_item.cancelled() or pool_item.exception() is not None:
        return f"it did not start ({pool_item.exception()!r})"
    content = pool_item.result()
    render: asyncio.Future = content["task"]
    if render.done() and (render.cancelled() or render.exception() is not None):
        return f"its app did not render ({render.exception()!r})"
    kernel_id = content["kernel_id"]
    if kernel_id not in manager:
        return "it was stopped"
    if not await ensure_async(manager.get_kernel(kernel_id).is_alive()):
        return "its process is gone"
    return None


async def drop_broken(manager: Any, notebook_name: str) -> int:
    """Take broken warm kernels out of the notebook's pool and stop them; how many were dropped."""
    pool: list[asyncio.Future] = manager._pools.get(notebook_name, [])
    dropped = 0
    for item in list(pool):
        reason = await broken(manager, item)
        if reason is None or item not in pool:
            continue
        pool.remove(item)
        dropped += 1
        kernel_id = item.result()["kernel_id"] if not item.cancelled() and item.exception() is None else None
        manager.log.warning("dropped a warm kernel of %s: %s", notebook_name, reason)
        if kernel_id is not None:
            await _stop(manager, kernel_id)
    return dropped


async def _stop(manager: Any, kernel_id: str) -> None:
    if kernel_id in manager:
        try:
            await ensure_async(manager.shutdown_kernel(kernel_id, now=True))
        except Exception as error:  # already gone: nothing left to stop
            manager.log.debug("stopping kernel %s: %s", kernel_id, error)


def start_one_now(manager: Any, notebook_name: str, kwargs: dict[str, Any]) -> None:
    """Put one more kernel in the notebook's pool, started now, whatever the pool's configured size
    (Voila's own fill, called past the class's sizing in `hocso.present.capacity.ClassWarmth`)."""
    config = manager.kernel_pools_config.setdefault(notebook_name, {})
    saved = config.get("pool_size")
    config["pool_size"] = len(manager._pools.get(notebook_name, [])) + 1
    try:
        type(manager).fill_if_needed(manager, delay=0, notebook_name=notebook_name, **kwargs)
    finally:
        if saved is None:
            config.pop("pool_size", None)
        else:
            config["pool_size"] = saved


def hand_out_working_kernels(manager: Any) -> None:
    """Wrap `manager.get_rendered_notebook` (a Voila kernel manager with warm pools) as described above."""
    get_rendered = manager.get_rendered_notebook

    async def working_kernel(notebook_name: str, **kwargs: Any) -> tuple[asyncio.Task, list[str], str]:
        for _ in range(MAX_TRIES):
            await drop_broken(manager, notebook_name)
            if not manager._pools.get(notebook_name):  # all were broken, or taken meanwhile
                start_one_now(manager, notebook_name, kwargs)
            try:
                render_task, rendered, kernel_id = await get_rendered(notebook_name=notebook_name, **kwargs)
            except Exception as error:  # its kernel did not start: take the next one
                manager.log.warning("a warm kernel of %s did not start: %r", notebook_name, error)
                continue
            if render_task.done() and (render_task.cancelled() or render_task.exception() is not None):
                manager.log.warning("a warm kernel of %s failed as it was handed out", notebook_name)
                await _stop(manager, kernel_id)
                continue
            # A kernel still starting is handed out as Voila does: the page's head goes out at once
            # (its loading text), the rest once the kernel answers.
            return render_task, rendered, kernel_id
        raise NoWorkingKernel(f"no working kernel for {notebook_name} after {MAX_TRIES} tries")

    manager.get_rendered_notebook = working_kernel


def readiness(pool: list[asyncio.Future]) -> tuple[int, bool]:
    """How many of a pool's warm kernels have run their app (ready for a visitor), and whether every
    one has settled: started and rendered, or failed (a slow machine times some out)."""
    warm = settled = 0
    for item in pool:
        if not item.done():
            continue
        if item.cancelled() or item.exception() is not None:
            settled += 1
            continue
        render: asyncio.Future = item.result()["task"]
        if render.done():
            settled += 1
            warm += not render.cancelled() and render.exception() is None
    return warm, bool(pool) and settled == len(pool)
