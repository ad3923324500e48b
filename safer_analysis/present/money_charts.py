"""Charts of money by priority: whole lines only, each priority's lines of its own and the lines it
shares, and a mark drawn inside the image where the chart rests on illustrative inputs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from safer_analysis.present.charts import NEUTRAL, PALETTE, TEXT, Chart, _gbp_axis, _wrap, apply_house_style
from safer_analysis.present.formats import format_gbp

#: The colour of the words that mark a chart built on illustrative inputs.
MARK_COLOUR = "#801650"


def mark(chart: Chart, words: str) -> Chart:
    """Write ``words`` (say, that the order rests on illustrative scores) inside the image itself,
    above the plot, so the mark travels with the picture wherever it is copied."""
    chart.figure.suptitle(_wrap(words, 34), x=0.01, ha="left", color=MARK_COLOUR, fontsize=11, fontweight="bold")
    chart.figure.tight_layout()
    chart.alt = f"{chart.alt} Marked in the image: {words}"
    return chart


def priority_money_chart(
    money: pd.DataFrame,
    *,
    labels: list[str],
    title: str,
    subtitle: str,
    source: str,
    what: str,
    illustrative: str | None = None,
) -> Chart:
    """A horizontal bar per priority (in ``money``'s order, labelled ``labels``): the lines that serve
    it alone, then the lines it shares with other priorities, hatched, each a sum of whole lines'
    amounts. ``illustrative`` is written inside the image where the chart rests on illustrative
    inputs (for instance an order by illustrative scores)."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.5, 0.6 * len(labels) + 1.6))
    positions = list(range(len(labels)))[::-1]
    alone = [float(x) for x in money["amount_alone"]]
    shared = [float(x) for x in money["amount_shared"]]
    ax.barh(
        positions,
        alone,
        color=PALETTE[0],
        height=0.65,
        label="Its own (lines serving it alone, or its part where a document splits a line)",
    )
    ax.barh(
        positions,
        shared,
        left=alone,
        color=NEUTRAL,
        hatch="//",
        edgecolor="white",
        height=0.65,
        label="Lines shared with other priorities, undivided (shown whole)",
    )
    top = max([a + s for a, s in zip(alone, shared, strict=True)] + [1.0])
    words = []
    for pos, a, s in zip(positions, alone, shared, strict=True):
        if not a and not s:
            text = "no line with an amount"
        else:
            text = "\n+ ".join(([format_gbp(a)] if a else []) + ([f"{format_gbp(s)} shared"] if s else []))
        words.append(text.replace("\n", " "))
        ax.text(a + s + top * 0.01, pos, text, va="center", fontsize=9.5, color=TEXT, linespacing=1.1)
    ax.set_yticks(positions, [_wrap(lbl) for lbl in labels])
    ax.set_xlim(0, top * 1.5)
    ax.set_xlabel("Amount (£)")
    _gbp_axis(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12 * 6 / max(fig.get_size_inches()[1], 3)), fontsize=9)
    fig.tight_layout()
    alt = (
        f"Horizontal stacked bar chart of {what}: for each priority, its own money and the lines it shares, "
        "shown whole. In order: " + "; ".join(f"{lbl}: {w}" for lbl, w in zip(labels, words, strict=True)) + "."
    )
    chart = Chart(fig, title, subtitle, alt, source)
    return mark(chart, illustrative) if illustrative else chart
