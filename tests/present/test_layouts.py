"""Every app reads well on a 360 and a 390 px phone and on a 1920 px projector, in real Chromium.

One page per app (the session's server, its warm kernel); the window is resized from phone to
projector on the same page, so each app costs one kernel. What is checked, at each width:

* no two pieces of text overlap (the bounding boxes of their text lines, from DOM ranges);
* every control a thumb uses (buttons, choices, text boxes, links) is at least 44 px tall and wide;
* nothing makes a phone page scroll sideways;
* on first paint, no image is empty (an image widget waiting for a click showed a blank box);
* on the projector, the widgets use most of the screen and their text is large.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import real_app_names
from .test_browser import WIDGET

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.timeout(180)]

WIDTHS = (360, 390, 1920)
HEIGHTS = {360: 780, 390: 844, 1920: 1080}
MIN_TARGET_PX = 44

# Text line boxes of different text nodes that overlap by more than a sliver (consecutive lines of
# tight line-height touch a little; a choice hidden under another overlaps by most of a line).
LAYOUT_PROBLEMS = """
(minTarget) => {
  const root = document.querySelector('#rendered_cells') || document.body;
  const visible = (el) => {
    for (let e = el; e && e !== document; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
    }
    return true;
  };
  const describe = (node) => (node.textContent || node.value || node.getAttribute?.('aria-label') || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 50);
  const lines = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('style, script, svg, noscript')) continue;
    if (!visible(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width > 1 && rect.height > 1) lines.push({node, rect});
    }
  }
  const problems = [];
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i], b = lines[j];
      if (a.node === b.node) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w > 4 && h > 0.4 * Math.min(a.rect.height, b.rect.height)) {
        problems.push(`text overlaps: "${describe(a.node)}" and "${describe(b.node)}"`);
      }
    }
  }
  const targets = root.querySelectorAll(
    'button, select, textarea, input:not([type=radio]):not([type=checkbox]):not([type=hidden]), a[href],' +
    ' .widget-radio-box label, .widget-checkbox label');
  for (const target of targets) {
    if (!visible(target)) continue;
    const rect = target.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.height < minTarget - 0.5 || rect.width < minTarget - 0.5) {
      problems.push(`small target ${Math.round(rect.width)}x${Math.round(rect.height)}: ` +
                    `<${target.tagName.toLowerCase()}> "${describe(target)}"`);
    }
  }
  const sideways = document.documentElement.scrollWidth - window.innerWidth;
  if (window.innerWidth < 700 && sideways > 1) problems.push(`the page scrolls sideways by ${sideways} px`);
  return [...new Set(problems)];
}
"""

EMPTY_IMAGES = """
() => [...document.querySelectorAll('#rendered_cells img, main img')]
  .filter((img) => getComputedStyle(img).display !== 'none')
  .filter((img) => !img.getAttribute('src') || !img.complete || img.naturalWidth === 0
                   || img.getBoundingClientRect().width < 2)
  .map((img) => (img.alt || img.className || img.src || 'img').slice(0, 60))
"""

PROJECTOR_SCALE = """
() => {
  const widgets = [...document.querySelectorAll('#rendered_cells .jupyter-widgets')]
    .filter((el) => el.getBoundingClientRect().width > 0);
  const widest = Math.max(0, ...widgets.map((el) => el.getBoundingClientRect().width));
  const label = document.querySelector('#rendered_cells .widget-label, #rendered_cells .widget-button,' +
                                       ' #rendered_cells .widget-radio-box label');
  return {widest, font: label ? parseFloat(getComputedStyle(label).fontSize) : null};
}
"""


def _wait_for_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_selector(WIDGET, state="visible", timeout=90_000)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("name", real_app_names())
def test_an_app_reflows_on_phones_and_scales_up_on_a_projector(
    present_server, browser, artifacts_dir: Path, name: str
) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHTS[WIDTHS[0]]}, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    try:
        _wait_for_app(page, present_server.app_url(name))
        problems += [f"empty image on first paint: {image}" for image in page.evaluate(EMPTY_IMAGES)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            problems += [f"{width} px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET_PX)]
            page.screenshot(path=str(artifacts_dir / f"layout_{name}_{width}.png"), full_page=True)
        scale = page.evaluate(PROJECTOR_SCALE)
        if scale["widest"] < 0.6 * WIDTHS[-1]:
            problems.append(
                f"1920 px: the widest widget is {scale['widest']:.0f} px, under 60% of the screen"
            )
        if scale["font"] is not None and scale["font"] < 26:
            problems.append(f"1920 px: widget text is {scale['font']:.0f} px, too small from the back")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page_name", ["gallery", "facilitator"])
def test_the_gallery_and_facilitator_page_reflow(present_server, browser, page_name: str) -> None:
    url = present_server.url if page_name == "gallery" else present_server.facilitator_url
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": HEIGHTS[WIDTHS[0]]}, locale="vi-VN")
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            problems += [f"{width} px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET_PX)]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_checks_see_overlapping_text_small_targets_and_empty_images(browser) -> None:
    """The checks themselves, on a page built to fail them (the m04 choice hidden under another)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.set_content(
            "<div id=rendered_cells><div class='widget-radio-box'>"
            "<label style='display:block;height:20px;white-space:normal'><input type=radio>Chuyển một ít tiền "
            "cho yên chuyện, rồi gọi lại cho người đó để hỏi</label>"
            "<label style='display:block;height:20px'><input type=radio>Cúp máy, tự đến công an phường</label>"
            "</div><button style='height:30px'>OK</button><img src='' alt='qr'>"
            "<div style='width:2000px'>wide</div></div>"
        )
        problems = page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET_PX)
        assert any("text overlaps" in p and "Cúp máy" in p for p in problems), problems
        assert any(p.startswith("small target") and '"OK"' in p for p in problems), problems
        assert any("sideways" in p for p in problems), problems
        assert page.evaluate(EMPTY_IMAGES) == ["qr"]
    finally:
        context.close()
