"""Every report of a built board pack, opened in headless Chromium and checked with axe-core.

Fails on any serious or critical accessibility violation, on any request to the network (the
pages must be self-contained) and on a page over 3 MB. Saves a screenshot of each page's first
screen. Without Chromium the tests are skipped with a message, except where
``SAFER_ANALYSIS_REQUIRE_BROWSER=1`` (set in CI), where they fail.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("SAFER_ANALYSIS_REQUIRE_BROWSER") == "1"
MAX_BYTES = 3 * 1024 * 1024
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if REQUIRED:
            pytest.fail("Chromium is required here but missing: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser checks skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(packs):
    found = sorted(packs.glob("*/*.html"))
    assert len(found) >= 8  # index and three reports, two years
    return found


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("SAFER_ANALYSIS_SCREENSHOTS")
    path = tmp_path_factory.mktemp("screenshots") if not folder else __import__("pathlib").Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_every_page_passes_axe_offline_and_small(browser, pages, shots):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    for path in pages:
        assert path.stat().st_size < MAX_BYTES, f"{path} is {path.stat().st_size:,} bytes"
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        requests = []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        shot = shots / f"{path.parent.name}-{path.stem}.png"
        page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                         "resultTypes": ["violations"]})
        for v in results.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                nodes = "; ".join(n["html"][:160] for n in v["nodes"][:3])
                problems.append(f"{path.parent.name}/{path.name}: {v['id']} ({v['impact']}): {v['help']} :: {nodes}")
        outside = [u for u in requests if not u.startswith(("file://", "data:", "about:"))]
        if outside:
            problems.append(f"{path.parent.name}/{path.name} fetched from the network: {outside[:3]}")
        context.close()
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_bad_page(browser, tmp_path):
    """axe reports what it should: an image without alt text and unlabelled low-contrast text."""
    from axe_playwright_python.sync_playwright import Axe

    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="data:image/png;base64,iVBORw0KGgo="><p style="color:#ddd">'
                   "faint</p></body></html>")
    page = browser.new_page()
    page.goto(bad.as_uri())
    ids = {v["id"] for v in Axe().run(page).response["violations"]}
    page.close()
    assert {"image-alt", "color-contrast"} <= ids
