"""Each report's methods come from one source: the section that closes the report in the board pack
and the documentation's page on its methods show the same bullets, word for word, and no notebook
holds a bullet of its own (:mod:`safer_analysis.reports.methods`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import nbformat
import pytest

from safer_analysis.pipeline import notebooks
from safer_analysis.present import plain_english
from safer_analysis.reports import methods
from safer_analysis.reports.registry import PRODUCTS

from ..conftest import ROOT

FILES = Path(methods.__file__).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + [
    notebooks.template_path(n) for n in notebooks.template_names()
]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shown(section) -> list[str]:
    """The text of each item of the list ``section()`` gives, as a reader sees it."""
    return [p.text for p in plain_english.passages(section.data)]


def methods_passages(page: str) -> list[plain_english.Passage]:
    return [p for p in plain_english.passages(page) if p.methods]


def test_every_report_of_the_pack_and_the_force_overview_has_its_methods():
    assert set(PRODUCTS) | {"force_overview"} == set(methods.PRODUCTS)
    assert {p.stem for p in FILES.glob("*.md")} == set(methods.PRODUCTS)
    for product in methods.PRODUCTS:
        m = methods.methods(product)
        assert len(m.methods) >= 4, product
        assert len({x.name for x in m.methods}) == len(m.methods), product
        for x in m.methods:
            assert x.bullet and x.checked[0] and x.limits[0], (product, x.name)


@pytest.mark.parametrize("product", methods.PRODUCTS)
def test_the_section_and_the_page_show_the_same_bullets(product):
    """What the pack displays and what the documentation prints are one list: each bullet of the
    section, as a reader sees it, is the page's bullet of the same place, and the page's bullets sit
    under the section's heading, before how they are checked and their limits."""
    bullets = methods.methods(product).bullets
    assert shown(methods.section(product)) == [methods.plain(b) for b in bullets]
    page = methods.page(product)
    assert page.startswith(f"# {methods.methods(product).title}\n")
    start = page.index(f"\n## {methods.HEADING}\n")
    checked = page.index("\n## How it is checked\n")
    limits = page.index("\n## Limits\n")
    assert start < checked < limits
    listed = [line[2:] for line in page[start:checked].splitlines() if line.startswith("- ")]
    assert listed == bullets
    for x in methods.methods(product).methods:  # each method is said how it is checked, then its limits
        assert f"- **{x.name}.** {x.checked[0]}" in page[checked:limits]
        assert f"- **{x.name}.** {x.limits[0]}" in page[limits:]


def test_the_section_marks_up_bold_and_code_and_escapes_the_rest():
    assert methods.inline_html("**Harm** <b>x</b> & `tables/`") == (
        "<strong>Harm</strong> &lt;b&gt;x&lt;/b&gt; &amp; <code>tables/</code>"
    )
    html = methods.section("strategic_assessment").data
    assert html.startswith('<ul class="sa-methods"><li><strong>Crime data</strong>: police.uk')
    assert "<code>tables/</code>" in html and "**" not in html
    # the list is methods wherever it is placed: its statistical terms are not what a board reads
    assert all(p.methods for p in plain_english.passages(html))


@pytest.mark.parametrize("product", methods.PRODUCTS)
def test_every_test_and_benchmark_a_page_names_exists(product):
    named = set(re.findall(r"`((?:tests|benchmarks)/[\w/]+\.py)`", methods.page(product)))
    assert named, product
    assert sorted(n for n in named if not (ROOT / n).is_file()) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_notebook_holds_a_methods_bullet_of_its_own(path):
    """The methods heading is followed by the one call that shows the package's section."""
    nb = nbformat.read(path, as_version=4)
    bullets = [words(methods.plain(b)) for p in methods.PRODUCTS for b in methods.methods(p).bullets]
    for cell in nb.cells:
        text = words(methods.plain(cell.source))
        assert not [b for b in bullets if b[:60] in text], f"{path.name}: a methods bullet in a cell of its own"
    if path.stem not in methods.PRODUCTS:
        return
    at = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source == f"## {methods.HEADING}"]
    assert len(at) == 1, path.name
    call = nb.cells[at[0] + 1]
    assert call.cell_type == "code" and f'methods.section("{path.stem}")' in call.source, path.name


def test_a_methods_file_out_of_form_is_refused_naming_the_method():
    good = "# Title\n\nOpening.\n\n## Harm\n\n- **Harm**: weights.\n\nChecked: by hand.\n\nLimits: some.\n"
    m = methods.parse(good, "x")
    assert (m.title, m.opening, m.bullets) == ("Title", ("Opening.",), ["**Harm**: weights."])
    wrapped = good.replace("- **Harm**: weights.", "- **Harm**:\n  weights.").replace("by hand.", "by\nhand.")
    assert methods.parse(wrapped, "x") == m  # a paragraph may run over lines
    assert methods.parse("<!-- a note -->\n" + good, "x") == m
    faults = {
        good.replace("Limits: some.\n", ""): "'Harm': no Limits: paragraph",
        good.replace("Checked: by hand.\n\n", ""): "'Harm': no Checked: paragraph",
        good.replace("- **Harm**: weights.\n\n", ""): "'Harm': the method must open with its bullet",
        good + "\n- another bullet\n": "'Harm': one bullet, then",
        good + "\nChecked: twice.\n": "'Harm': 'Checked:' is given twice",
        good.replace("# Title\n", ""): "the first line must be the title",
        "# Title\n\nOnly an opening.\n": "no method",
    }
    for text, said in faults.items():
        with pytest.raises(methods.MethodsFileError, match=re.escape(said)):
            methods.parse(text, "x")
    with pytest.raises(ValueError, match="no methods for 'budget'"):
        methods.methods("budget")


def test_the_methods_files_are_package_data():
    """pyproject ships every methods file with the package (a wheel test below builds one)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "safer_analysis"
    for path in FILES.glob("*.md"):
        assert any(fnmatch(str(path.relative_to(package)), p) for p in patterns["safer_analysis"]), path.name


# ---- built: a wheel, the board pack and the force overview -----------------------------------------


@pytest.mark.slow
def test_a_wheel_carries_the_methods_and_reads_them_outside_the_checkout(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(tmp_path)]
        + [str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("safer_analysis-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for product in methods.PRODUCTS:
        assert f"safer_analysis/reports/methods/{product}.md" in names
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    code = (
        f"import safer_analysis.reports.methods as m; assert m.__file__.startswith({str(unpacked)!r}); "
        "print(m.page('force_overview').splitlines()[0])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == f"# {methods.methods('force_overview').title}"


@pytest.mark.slow
@pytest.mark.parametrize("product", list(PRODUCTS))
def test_the_built_pack_shows_every_bullet_under_its_methods_heading(packs, product):
    """The 2018-19 pack: each bullet is an item of the page's methods, in the section headed
    "Data sources, methods and caveats", in the order the source gives."""
    page = (packs / "2018-19" / f"{product}.html").read_text(encoding="utf-8")
    found = [p.text for p in methods_passages(page) if p.section == methods.HEADING]
    expected = [words(methods.plain(b)) for b in methods.methods(product).bullets]
    assert [t for t in found if t in expected] == expected


@pytest.mark.slow
def test_the_force_overview_shows_every_bullet_under_its_methods_heading(tmp_path):
    """The overview notebook as the force build runs it, on the repository's counts per partnership
    of Devon & Cornwall (2018-19)."""
    from safer_analysis.pipeline.kernel import kernel_dir
    from safer_analysis.pipeline.runner import export_html

    out = tmp_path / "force_overview.ipynb"
    args = ["-p", "financial_year", "2018-19", "-p", "project", str(ROOT), "--no-progress-bar"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), str(notebooks.template_path("force_overview.ipynb")), str(out)]
        + args,
        cwd=tmp_path,
        env={**os.environ, "JUPYTER_PATH": str(kernel_dir())},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    page = export_html(out, title="Force overview", masthead="", footer="")
    found = [p.text for p in methods_passages(page) if p.section == methods.HEADING]
    assert found == [words(methods.plain(b)) for b in methods.methods("force_overview").bullets]
