"""The learner kernel (the learner lab's kernel spec, a real ipykernel): an error is one friendly
line in the course language naming the exercise, never a traceback; the traceback goes to the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from hocso.i18n import t
from hocso.lab.settings import write_lab_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["vi", "en"])
def kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    lab = write_lab_config(tmp_path_factory.mktemp("lab"), "learner", request.param)
    specs = KernelSpecManager(kernel_dirs=[str(lab.data_dir / "kernels")])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    yield client, lab
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code: str) -> list[dict]:
    """The outputs a front end would show for `code` (error messages as sent)."""
    outputs: list[dict] = []
    client.execute_interactive(code, timeout=60, output_hook=lambda m: outputs.append(m))
    return [m for m in outputs if m["msg_type"] in ("error", "stream", "execute_result")]


def shown(outputs: list[dict]) -> str:
    lines = []
    for m in outputs:
        content = m["content"]
        lines += content.get("traceback", []) if m["msg_type"] == "error" else [content.get("text", "")]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("raise ValueError('deep inside')", "lab.kernel.unexpected"),
        ("def answer():\n    raise NotImplementedError()\nanswer()", "lab.kernel.not_done"),
        ("assert 1 + 1 == 3", "lab.kernel.not_yet"),
        ("print('a'", "lab.kernel.syntax"),
    ],
)
def test_an_error_is_one_friendly_line(kernel: tuple, code: str, key: str) -> None:
    client, lab = kernel
    outputs = run(client, code)
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1 and len(errors[0]["content"]["traceback"]) == 1, outputs
    line = errors[0]["content"]["traceback"][0]
    first_words = t(key, lab.language, exercise="X", detail="", kind="", line="").split("X")[0]
    assert line.startswith(first_words.strip()), line
    assert "Traceback" not in shown(outputs) and "File " not in shown(outputs)
    assert "Traceback" in Path(lab.kernel_log).read_text(encoding="utf-8")  # the details are kept


def test_ordinary_cells_are_untouched(kernel: tuple) -> None:
    client, _ = kernel
    assert "4" in shown(run(client, "print(2 + 2)"))
