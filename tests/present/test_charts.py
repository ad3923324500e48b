import re

from safer_analysis.analysis import spend
from safer_analysis.present import charts


def test_allocation_chart_alt_text_states_the_figures(dataset):
    c = charts.allocation_chart(dataset.allocations, 400_568, "2017-18", "Plymouth", "Source: x")
    assert "2017-18" in c.title and "2017-18" in c.subtitle
    assert "£110,000" in c.alt and "Not yet allocated" in c.alt and "£167,068" in c.alt
    html = c.to_html()
    alts = re.findall(r'<img class="sa-(wide|narrow)" src="data:image/png;base64,[^"]+" alt="([^"]+)"', html)
    assert [kind for kind, _ in alts] == ["wide", "narrow"]  # the chart again, laid out for a phone
    assert all("£110,000" in alt for _, alt in alts)


def test_change_chart_title_states_the_finding(dataset):
    changes = spend.change_by_theme(dataset.allocations, "2018-19", "2017-18")
    c = charts.change_chart(changes, "Plymouth", "Source: x")
    assert c.title == "Spend with an amount rises from £233,500 in 2017-18 to £400,568 in 2018-19"
    assert "Healthy" in c.alt


def test_chart_text_is_escaped():
    c = charts.bar_gbp(['<img src=x onerror="alert(1)">'], [5.0], title="t <i>", subtitle="s", source="src", what="w")
    html = c.to_html()
    assert "<i>" not in html and 'onerror="alert' not in html


def test_house_palette_is_the_analysis_function_one():
    assert charts.PALETTE[:2] == ["#12436D", "#28A197"]


def test_importing_the_package_leaves_the_plotting_backend_alone():
    """JupyterLab's inline plots must keep working after `import safer_analysis...`."""
    import os
    import subprocess
    import sys

    code = (
        "import safer_analysis.present.charts, safer_analysis.present.publication, safer_analysis.present.maps; "
        "import matplotlib; print(matplotlib.rcParams._get_backend_or_none())"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "None"


def test_dollar_signs_in_input_text_are_drawn_as_text_not_read_as_mathematics():
    """A priority named with "$$" once failed the build inside matplotlib's maths parser."""
    names = ["Spend $$note$$ on ^this", "Costs $5 to $10 a head"]
    c = charts.bar_gbp(names, [5_000.0, 7_000.0], title="t", subtitle="s", source="src", what="w")
    assert "data:image/png;base64," in c.to_html()
