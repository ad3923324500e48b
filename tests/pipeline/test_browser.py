"""Every page of every year's board pack, opened in headless Chromium and checked with axe-core.

The pack is built once for the module, for every year in the bundled data. Each ``*.html`` page
(the index and every report, found by glob) is loaded from a ``file://`` URL with every request to
the web blocked and recorded, so a page that is not self-contained fails. axe-core runs the WCAG
2.2 A and AA rules and its best practices; any ``serious`` or ``critical`` violation fails, with
its id, impact, help and the offending HTML. A screenshot of each page's first screen is saved to
a temporary folder, or to ``outputs/screenshots/`` (or the folder named) when
``SAFER_ANALYSIS_SCREENSHOTS`` is set.

Without Chromium (or playwright) the tests are skipped, saying how to install it, unless
``SAFER_ANALYSIS_REQUIRE_BROWSER=1`` is set (as in CI), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from safer_analysis.cli import main

pytestmark = pytest.mark.slow

from ..conftest import ROOT  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("SAFER_ANALYSIS_REQUIRE_BROWSER") == "1"
MAX_BYTES = 3 * 1024 * 1024
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = ("serious", "critical")
SCREEN = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}  # 1280 px at 400% zoom (WCAG 1.4.10, reflow)
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
MIN_TEXT_PX = 12  # the smallest chart or map text as shown on a phone

#: Elements wider than their container, and boxes that hide content behind a scroll bar. Each visible
#: element's right edge is compared with its parent's inner (padding box) right edge. Left out: boxes
#: taken out of the flow on purpose (the skip link, a phone table's visually hidden header row), and
#: the rows and cells inside a table, whose own table is compared with its container instead. Nothing
#: inside an ``overflow-x: auto`` wrapper is let off: the wrapper itself must not need to scroll.
OVERFLOW = """() => {
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const inner = ['tr', 'tbody', 'thead', 'tfoot', 'td', 'th', 'caption', 'colgroup', 'col'];
  const wide = [], scrolled = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.position === 'absolute' || style.position === 'fixed') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const parent = el.parentElement;
    const edge = parent.getBoundingClientRect().left + parent.clientLeft + parent.clientWidth;
    if (parent !== document.body && !inner.includes(el.tagName.toLowerCase()) && box.right > edge + 1)
      wide.push(`${name(el)} by ${Math.round(box.right - edge)} px beyond ${name(parent)}: `
                + (el.innerText || '').slice(0, 60));
    if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
      scrolled.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px: ${(el.innerText || '').slice(0, 60)}`);
  }
  return wide.concat(scrolled);
}"""

#: At a phone's width: table cells out of sight (past the right edge of the screen or of their
#: scrolling box), captions cut off, table rows taller than the screen, and chart or map text
#: shown smaller than MIN_TEXT_PX (its size in the image times the shown width over the image's).
PHONE_CHECKS = """(args) => {
  const [screenHeight, minText] = args;
  const hidden = [], clipped = [], tall = [], small = [], sizes = [];
  // a reflowed table's header row is hidden from sight (each cell is labelled instead): left out
  const shown = el => !(el.closest('thead') && getComputedStyle(el.closest('thead')).position === 'absolute');
  for (const cell of document.querySelectorAll('table th, table td')) {
    if (!shown(cell)) continue;
    const r = cell.getBoundingClientRect();
    if (r.width === 0) continue;
    const box = cell.closest('.sa-table-wrap') || document.documentElement;
    const b = box.getBoundingClientRect();
    const edge = Math.min(b.left + box.clientLeft + box.clientWidth, window.innerWidth);
    if (r.right > edge + 1) hidden.push(`${cell.closest('table').id || 'a table'}: "${cell.innerText.slice(0, 30)}"`);
  }
  for (const caption of document.querySelectorAll('caption, figcaption')) {
    if (caption.scrollWidth > caption.clientWidth + 1 || caption.getBoundingClientRect().right > window.innerWidth + 1)
      clipped.push(caption.innerText.slice(0, 60));
  }
  for (const row of document.querySelectorAll('table tr')) {
    if (shown(row) && row.getBoundingClientRect().height > screenHeight)
      tall.push(`${row.closest('table').id || 'a table'}: "${row.innerText.slice(0, 40)}"`);
  }
  for (const img of document.querySelectorAll('figure img[data-text-px]')) {
    if (img.offsetWidth === 0) continue;
    const shown = parseFloat(img.dataset.textPx) * img.clientWidth / img.naturalWidth;
    sizes.push(shown);
    if (!(shown >= minText)) small.push(`${img.className} "${img.alt.slice(0, 50)}": ${shown.toFixed(1)} px`);
  }
  return {hidden, clipped, tall, small, sizes};
}"""


def no_browser(reason: str) -> None:
    message = f"{reason}; the browser checks need it"
    if REQUIRE_BROWSER:
        pytest.fail(f"{message} (SAFER_ANALYSIS_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        no_browser("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        no_browser("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        no_browser("axe-playwright-python is not installed (pip install -e '.[dev]')")
    return Axe()


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """Board packs for every year in the data, built through the command line."""
    out = tmp_path_factory.mktemp("browser-packs")
    assert main(["build", "--all-years", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory, request):
    setting = os.environ.get("SAFER_ANALYSIS_SCREENSHOTS", "").strip()
    if not setting:
        folder = tmp_path_factory.mktemp("screenshots")
    elif setting.lower() in ("1", "yes", "true"):
        folder = ROOT / "outputs" / "screenshots"
    else:
        folder = Path(setting)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and any(folder.glob("*.png")):
        with capture.global_and_fixture_disabled():  # into the test log even when output is captured
            reporter.write_line(f"\nscreenshots of the board pack's pages: {folder}")


@dataclass
class Visit:
    """What happened when one page was opened."""

    path: Path
    name: str
    size: int
    blocked: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    narrow_violations: list[dict] = field(default_factory=list)
    narrow_overflow: int = 0
    phone_overflow: int = 0
    phone_charts: list[dict] = field(default_factory=list)
    desktop_wide: list[str] = field(default_factory=list)
    phone_problems: dict[str, list[str]] = field(default_factory=dict)
    phone_screenshot: Path | None = None
    broken_anchors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None


def open_page(browser, path: Path, viewport: dict):
    """A fresh page at ``viewport`` with every request to the web blocked and recorded."""
    context = browser.new_context(viewport=viewport, locale="en-GB")
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, blocked, errors


def serious(results) -> list[dict]:
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(visits: list[Visit], attribute: str) -> str:
    lines = []
    for visit in visits:
        for v in getattr(visit, attribute):
            lines.append(f"{visit.name}: {v['id']} ({v['impact']}): {v['help']} [{v.get('helpUrl', '')}]")
            for node in v["nodes"]:
                lines.append(f"    {node['html'][:300]}")
                if node.get("failureSummary"):
                    lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def visits(browser, axe, pack, screenshots) -> list[Visit]:
    """Open every page of every year once, at a desktop width and at 320 px, and record it all."""
    pages = sorted(pack.glob("*/*.html"))
    years = sorted(p.name for p in pack.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert years and all(any(p.parent.name == y for p in pages) for y in years)
    found = []
    for path in pages:
        visit = Visit(path, f"{path.parent.name}/{path.name}", path.stat().st_size)
        context, page, blocked, errors = open_page(browser, path, SCREEN)
        visit.screenshot = screenshots / f"{path.parent.name}-{path.stem}.png"
        page.screenshot(path=str(visit.screenshot), full_page=True)
        print(f"screenshot of {visit.name}: {visit.screenshot}")
        visit.desktop_wide = page.evaluate(OVERFLOW)
        visit.violations = serious(axe.run(page, options=AXE_OPTIONS))
        visit.broken_anchors = page.evaluate("""() => Array.from(document.querySelectorAll('a[href^="#"]'))
            .map(a => a.getAttribute('href'))
            .filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))""")
        context.close()
        context, page, narrow_blocked, narrow_errors = open_page(browser, path, NARROW)
        visit.narrow_overflow = page.evaluate("document.documentElement.scrollWidth") - NARROW["width"]
        visit.narrow_violations = serious(axe.run(page, options=AXE_OPTIONS))
        context.close()
        context, page, phone_blocked, phone_errors = open_page(browser, path, PHONE)
        visit.phone_overflow = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
        visit.phone_charts = page.evaluate("""() => Array.from(document.querySelectorAll('figure.sa-chart img'))
            .filter(img => img.offsetWidth > 0)
            .map(img => ({kind: img.className, scale: img.clientWidth / img.naturalWidth}))""")
        visit.phone_problems = page.evaluate(PHONE_CHECKS, [PHONE["height"], MIN_TEXT_PX])
        visit.phone_screenshot = screenshots / f"{path.parent.name}-{path.stem}-phone.png"
        page.screenshot(path=str(visit.phone_screenshot), full_page=True)
        context.close()
        blocked, errors = blocked + phone_blocked, errors + phone_errors
        visit.blocked = blocked + narrow_blocked
        visit.console_errors = errors + narrow_errors
        found.append(visit)
    return found


def test_every_year_has_an_index_and_reports(visits):
    by_year: dict[str, list[str]] = {}
    for visit in visits:
        by_year.setdefault(visit.path.parent.name, []).append(visit.path.name)
    for year, names in by_year.items():
        assert "index.html" in names, year
        assert len(names) >= 2, f"{year} has no report pages: {names}"


def test_no_serious_or_critical_accessibility_violations(visits):
    problems = describe(visits, "violations")
    print(problems or f"axe-core: no serious or critical violations on {len(visits)} pages")
    assert not problems, "axe-core found serious or critical violations:\n" + problems


def test_no_serious_violations_on_a_narrow_screen_and_no_sideways_scrolling(visits):
    problems = describe(visits, "narrow_violations")
    assert not problems, "axe-core at 320 px wide:\n" + problems
    wide = {v.name: v.narrow_overflow for v in visits if v.narrow_overflow > 1}
    assert not wide, f"pages that scroll sideways at 320 px (by px), so do not reflow: {wide}"


def test_at_a_phones_width_no_page_scrolls_sideways_and_charts_show_their_phone_layout(visits):
    """At 390 px every chart shows its phone layout (how large its text is then shown is checked
    in test_at_a_phones_width_tables_reflow_and_chart_text_stays_readable)."""
    wide = {v.name: v.phone_overflow for v in visits if v.phone_overflow > 1}
    assert not wide, f"pages that scroll sideways at 390 px: {wide}"
    for visit in visits:
        kinds = {c["kind"] for c in visit.phone_charts}
        assert kinds <= {"sa-narrow"}, f"{visit.name}: a desktop chart shown on a phone"
    assert sum(len(v.phone_charts) for v in visits) >= 10


def test_at_a_desktops_width_no_element_is_wider_than_its_container(visits):
    """At 1280 px nothing is cut off or pushed past its box: no table, figure or line of text wider
    than the column it sits in, and no table that needs a scroll bar to show its last columns."""
    problems = {v.name: v.desktop_wide for v in visits if v.desktop_wide}
    assert not problems, "at 1280 px:\n" + "\n".join(f"{n}: {p}" for n, ps in problems.items() for p in ps)


def test_at_a_phones_width_tables_reflow_and_chart_text_stays_readable(visits):
    """At 390 px every table cell is in sight without scrolling sideways, no caption is cut off, no
    table row is taller than the screen, and chart and map text is shown at 12 px or more."""
    for kind in ("hidden", "clipped", "tall", "small"):
        found = {v.name: v.phone_problems.get(kind) for v in visits if v.phone_problems.get(kind)}
        assert not found, f"at 390 px, {kind}: {found}"
    sizes = [size for v in visits for size in v.phone_problems["sizes"]]
    assert len(sizes) == sum(len(v.phone_charts) for v in visits) >= 10  # every chart shown was measured
    print(f"smallest chart or map text at 390 px: {min(sizes):.1f} px")


def test_the_layout_checks_catch_a_table_cut_off_and_small_chart_text(browser, tmp_path):
    """The checkers themselves work: a table wider than its scrolling box and a shrunken chart are caught."""
    from safer_analysis.present.page import wrap

    cells = "".join(f'<td class="num">{i:,}</td>' for i in range(10**8, 10**8 + 12))  # figures never wrap
    body = (
        f'<div class="sa-table-wrap"><table class="sa-table" id="t"><tr><th>a</th>{cells}</tr></table></div>'
        '<figure class="sa-chart"><img class="sa-narrow" data-text-px="12" alt="x" style="width:100px" '
        'src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAMgAAAABCAAAAAC+1L4+AAAADUlEQVR4nGP8zzA8AADIygEBxD42ygAAAABJRU5ErkJggg==">'
        "</figure>"
    )
    bad = tmp_path / "bad.html"
    bad.write_text(wrap("bad", body, masthead="m", footer="f", contents=False), encoding="utf-8")
    context, page, _, _ = open_page(browser, bad, SCREEN)
    wide = page.evaluate(OVERFLOW)
    context.close()
    assert any("table#t" in w for w in wide) and any("sa-table-wrap hides" in w for w in wide)
    context, page, _, _ = open_page(browser, bad, PHONE)
    found = page.evaluate(PHONE_CHECKS, [PHONE["height"], MIN_TEXT_PX])
    context.close()
    assert found["hidden"] and found["small"]  # 12 px text drawn at 100 of 200 px is 6 px


def test_pages_are_self_contained(visits):
    fetched = {v.name: v.blocked for v in visits if v.blocked}
    assert not fetched, f"pages tried to fetch from the web: {fetched}"
    errors = {v.name: v.console_errors for v in visits if v.console_errors}
    assert not errors, f"pages logged errors in the browser: {errors}"


def test_pages_are_under_3_mb(visits):
    large = {v.name: f"{v.size:,} bytes" for v in visits if v.size >= MAX_BYTES}
    assert not large, f"pages of 3 MB or more: {large}"


def test_in_page_links_reach_their_targets(visits):
    broken = {v.name: v.broken_anchors for v in visits if v.broken_anchors}
    assert not broken, f"links to an id that is not on the page (skip link, contents): {broken}"


def test_a_screenshot_of_every_page(visits):
    """Each page whole, at 1280 and at 390 px, to look at."""
    for visit in visits:
        for shot in (visit.screenshot, visit.phone_screenshot):
            assert shot is not None and shot.stat().st_size > 1000, visit.name


def test_the_checks_catch_a_bad_page(browser, axe, tmp_path):
    """The checker itself works: a bad page fails axe, and its request to the web is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<p style="color:#ddd">faint</p><img alt="x" src="https://example.org/x.png"></body></html>'
    )
    context, page, blocked, _ = open_page(browser, bad, SCREEN)
    ids = {v["id"] for v in serious(axe.run(page, options=AXE_OPTIONS))}
    context.close()
    assert {"image-alt", "color-contrast", "html-has-lang", "document-title"} <= ids
    assert blocked == ["https://example.org/x.png"]
