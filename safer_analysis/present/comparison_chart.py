"""Charts of a partnership among its most similar group (:mod:`safer_analysis.reports.comparison`),
each read in five seconds: the partnership a dark dot among its group's grey dots, England and
Wales a line.

:func:`group_chart` draws one offence group, a row per partnership named; :func:`groups_chart`
every headline offence group at once, each rate as a multiple of England and Wales's so groups of
very different sizes share one axis.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from safer_analysis.present.charts import PALETTE, TEXT, Chart, apply_house_style

#: The partnership's colour, and its group's.
AREA, GROUP = PALETTE[2], "#9A9A9A"
#: England and Wales's rate below which an offence group is too rare to place among a group of
#: sixteen (homicide, death or serious injury by driving): :func:`groups_chart` leaves it out.
RARE = 0.1
TOTAL = "Total recorded crime (excluding fraud)"
_TIMES = {0.125: "⅛", 0.25: "¼", 0.5: "½"}


def _per(value: float) -> str:
    return "no rate" if pd.isna(value) else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _words(group: str) -> str:
    return "Crime (excluding fraud)" if group == TOTAL else group


def group_chart(c, offence_group: str = TOTAL) -> Chart:
    """One offence group: each partnership of the comparison ``c`` a dot at its rate per 1,000,
    highest first, the partnership itself dark and labelled; dashed lines for the group together
    and England and Wales."""
    row = c.row(offence_group)
    rows = c.members[c.members["offence_group"] == offence_group].copy()
    rows = rows.sort_values("rate", ascending=True, na_position="first", kind="stable").reset_index(drop=True)
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(rows) + 1.6))
    y = np.arange(len(rows))
    rates = rows["rate"].to_numpy(dtype=float, na_value=np.nan)
    own = rows["is_area"].to_numpy(dtype=bool)
    ax.hlines(y, 0, np.nan_to_num(rates), color="#E6E6E6", linewidth=1, zorder=1)
    ax.scatter(rates[~own], y[~own], s=42, color=GROUP, zorder=3, label="its most similar partnerships")
    ax.scatter(rates[own], y[own], s=90, color=AREA, zorder=4, label=c.area_name)
    for value, colour, style, label in (
        (row["group_rate"], PALETTE[0], (0, (4, 3)), "the group together"),
        (row["ew_rate"], TEXT, (0, (1, 2)), "England and Wales"),
    ):
        if pd.notna(value):
            ax.axvline(value, color=colour, linestyle=style, linewidth=1.4, zorder=2, label=f"{label} ({_per(value)})")
    for yy, value, mine in zip(y, rates, own, strict=True):
        if pd.notna(value):
            ax.text(
                value,
                yy,
                f"  {_per(value)}",
                va="center",
                fontsize=9,
                color=AREA if mine else TEXT,
                fontweight="bold" if mine else "normal",
            )
    names = [f"{n} (no rate published)" if pd.isna(r) else n for n, r in zip(rows["csp_name"], rates, strict=True)]
    ax.set_yticks(y, names)
    for label, mine in zip(ax.get_yticklabels(), own, strict=True):
        if mine:
            label.set_fontweight("bold")
            label.set_color(AREA)
    top = np.nanmax(np.append(rates, [row["group_rate"], row["ew_rate"]]))
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    ax.set_xlabel("Crimes per 1,000 people")
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", fontsize=9, frameon=True, facecolor="white", edgecolor="#DDDDDD")
    fig.tight_layout()
    plt.close(fig)
    place = f"{int(row['rank'])} of {int(row['of'])}" if pd.notna(row["rank"]) else "not ranked"
    where = {"higher": "higher than every one of them", "lower": "lower than every one of them"}.get(
        row["direction"], "within their range"
    )
    alt = (
        f"Dot chart of {_words(offence_group).lower()} per 1,000 people, {c.period}, in {c.area_name} and its "
        f"{c.group_size} most similar partnerships. {c.area_name} {_per(row['rate'])}, {place} from the highest, "
        f"{where}; the group from {_per(row['group_min'])} to {_per(row['group_max'])}, {_per(row['group_rate'])} "
        f"together; England and Wales {_per(row['ew_rate'])}. "
        + "; ".join(f"{n} {_per(r)}" for n, r in zip(rows["csp_name"][::-1], rates[::-1], strict=True))
        + "."
    )
    return Chart(
        fig,
        f"{_words(offence_group)}: {c.area_name} beside its {c.group_size} most similar partnerships",
        f"Crimes per 1,000 people, {c.period}",
        alt,
        f"Source: {c.source}. {c.group_note}",
    )


def groups_chart(c) -> Chart:
    """Every headline offence group (but the rarest, :data:`RARE`): a row each, the partnership's
    rate and each member's as a multiple of England and Wales's (a log scale: twice and half as far
    from the line), so a board sees at once where the partnership sits apart from its group."""
    table = c.table.set_index("offence_group")
    groups = [g for g in table.index if pd.notna(table.at[g, "ew_rate"]) and table.at[g, "ew_rate"] >= RARE]
    left_out = [g for g in table.index if g not in groups]
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9, 0.34 * len(groups) + 1.8))
    y = np.arange(len(groups))[::-1]
    low, high = 1.0, 1.0
    for i, (yy, group) in enumerate(zip(y, groups, strict=True)):
        ew = float(table.at[group, "ew_rate"])
        rows = c.members[c.members["offence_group"] == group]
        others = rows.loc[~rows["is_area"], "rate"].dropna().to_numpy(dtype=float) / ew
        mine = rows.loc[rows["is_area"], "rate"].dropna().to_numpy(dtype=float) / ew
        others, mine = np.clip(others, 0.05, None), np.clip(mine, 0.05, None)
        first = i == 0  # one legend entry each
        if len(others):
            ax.hlines(
                yy, others.min(), others.max(), color="#E0E0E0", linewidth=6, zorder=1, label="their range" * first
            )
        ax.scatter(
            others, np.full(len(others), yy), s=22, color=GROUP, zorder=2, label="its most similar partnerships" * first
        )
        ax.scatter(mine, np.full(len(mine), yy), s=80, color=AREA, zorder=3, label=c.area_name * first)
        low, high = min(low, *others, *mine), max(high, *others, *mine)
    ax.axvline(1, color=TEXT, linestyle=(0, (1, 2)), linewidth=1.4, zorder=0, label="England and Wales")
    ax.set_xscale("log")
    ax.set_xlim(low / 1.25, high * 1.25)
    ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8) if low / 1.25 <= t <= high * 1.25]
    ax.set_xticks(ticks, [_TIMES.get(t, f"{t:g}") + "×" for t in ticks])
    ax.minorticks_off()
    ax.set_yticks(y, [textwrap.shorten(g, 48) if g != TOTAL else "All crime (excluding fraud)" for g in groups])
    ax.set_xlabel("Rate per 1,000 people as a multiple of England and Wales's (1× = the same)")
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    order = [
        labels.index(x) for x in (c.area_name, "its most similar partnerships", "their range", "England and Wales")
    ]
    ax.legend(
        [handles[k] for k in order],
        [labels[k] for k in order],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.5 / fig.get_size_inches()[1]),
        ncol=4,
        fontsize=9,
    )
    fig.tight_layout()
    plt.close(fig)
    apart = [g for g in groups if table.at[g, "direction"] != "within"]
    alt = (
        f"Dot chart of {c.area_name}'s rate for {len(groups)} offence groups, {c.period}, as a multiple of England "
        f"and Wales's, beside its {c.group_size} most similar partnerships'. "
        + "; ".join(
            f"{g}: {c.area_name} {_per(table.at[g, 'rate'])} per 1,000, the group {_per(table.at[g, 'group_min'])} "
            f"to {_per(table.at[g, 'group_max'])}, England and Wales {_per(table.at[g, 'ew_rate'])}"
            for g in groups
        )
        + ". "
        + (
            "Outside its group's range: " + ", ".join(f"{g} ({table.at[g, 'direction']})" for g in apart) + "."
            if apart
            else "Inside its group's range in every offence group."
        )
    )
    subtitle = f"Crimes per 1,000 people, {c.period}, as a multiple of England and Wales's rate"
    if left_out:
        subtitle += f"; {' and '.join(g.lower() for g in left_out)} too rare to place, left out"
    return Chart(
        fig,
        f"Where {c.area_name} stands among its {c.group_size} most similar partnerships",
        subtitle,
        alt,
        f"Source: {c.source}. {c.group_note}",
    )
