"""The chart of a partnership among its most similar partnerships: for each offence group, every
member's crime rate as a dot, the partnership's own marked, on one scale of "times the group's
rate" so offence groups as different as violence and robbery sit side by side."""

from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from safer_analysis.present.charts import NEUTRAL, PALETTE, TEXT, Chart, apply_house_style

#: The scale's furthest reach either side of the group's rate (a rate beyond it is drawn at the edge).
FURTHEST = 8.0
#: The band of the group's range: light enough for the dots on it to stand out.
RANGE = "#D9D9D9"
#: Ticks on the scale, as multiples of the group's rate, with their labels.
TICKS = {0.125: "⅛", 0.25: "¼", 0.5: "½", 1.0: "same", 2.0: "×2", 4.0: "×4", 8.0: "×8"}


def _times(rate: float, group_rate: float) -> float:
    """``rate`` as a multiple of ``group_rate``, kept within the scale (NaN where either is unknown)."""
    if pd.isna(rate) or pd.isna(group_rate) or not group_rate > 0:
        return math.nan
    return float(min(max(rate / group_rate, 1 / FURTHEST), FURTHEST))


def order(table: pd.DataFrame) -> pd.DataFrame:
    """The offence groups as the chart reads them, top to bottom: the first row of ``table`` (the
    total) first, then the rest from the furthest above the group's rate to the furthest below."""
    if table.empty:
        return table
    first, rest = table.iloc[:1], table.iloc[1:]
    ratio = rest["rate"] / rest["group_rate"]
    return pd.concat([first, rest.assign(_r=ratio).sort_values("_r", ascending=False).drop(columns="_r")])


def _scale(values: list[float]) -> tuple[float, float]:
    """The axis's ends: a tick beyond the furthest value either side, and at least ½ to ×2."""
    finite = [v for v in values if not math.isnan(v)]
    lo = min([0.5, *finite])
    hi = max([2.0, *finite])
    ticks = sorted(TICKS)
    return max(t for t in ticks if t <= lo * 1.0001), min(t for t in ticks if t >= hi * 0.9999)


def group_chart(
    table: pd.DataFrame,
    members: pd.DataFrame,
    *,
    area: str,
    title: str,
    subtitle: str,
    source: str,
    what: str,
) -> Chart:
    """For each offence group of ``table`` (``offence_group``, ``rate``, ``group_rate``,
    ``group_min``, ``group_max``, ``ew_rate``, ``rank``, ``of``), each member of ``members``
    (``offence_group``, ``csp_name``, ``rate``, ``is_area``) as a dot at its rate over the group's
    pooled rate, on a log scale; the partnership ``area`` a larger diamond, England and Wales a
    bar, the group's range a band. Rows are ordered by :func:`order`."""
    apply_house_style()
    rows = order(table).reset_index(drop=True)
    n = len(rows)
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * n + 1.9))
    positions = list(range(n))[::-1]
    drawn: list[float] = []
    for pos, (_, row) in zip(positions, rows.iterrows(), strict=True):
        first = pos == positions[0]  # the first row's marks carry the legend's labels
        group_rate = row["group_rate"]
        these = members[members["offence_group"] == row["offence_group"]]
        others = [_times(r, group_rate) for r in these.loc[~these["is_area"].astype(bool), "rate"]]
        own = _times(row["rate"], group_rate)
        ew = _times(row["ew_rate"], group_rate)
        low, high = _times(row["group_min"], group_rate), _times(row["group_max"], group_rate)
        if not (math.isnan(low) or math.isnan(high)):
            ax.plot(
                [low, high],
                [pos, pos],
                color=RANGE,
                linewidth=9,
                solid_capstyle="round",
                zorder=1,
                label="Their range" if first else None,
            )
        ax.scatter(
            others,
            [pos] * len(others),
            color=PALETTE[0],
            alpha=0.55,
            s=26,
            zorder=2,
            linewidths=0,
            label="Similar partnerships" if first else None,
        )
        if not math.isnan(ew):
            ax.scatter(
                [ew],
                [pos],
                marker="|",
                s=260,
                color=TEXT,
                linewidths=2,
                zorder=3,
                label="England and Wales" if first else None,
            )
        if not math.isnan(own):
            ax.scatter(
                [own],
                [pos],
                marker="D",
                s=80,
                color=PALETTE[2],
                edgecolors="white",
                zorder=4,
                label=area if first else None,
            )
        drawn += [v for v in [*others, own, ew, low, high] if not math.isnan(v)]
    lo, hi = _scale(drawn)
    ax.axvline(1.0, color=NEUTRAL, linewidth=1, linestyle="--", zorder=0)
    ax.set_xscale("log")
    ax.set_xlim(lo / 1.15, hi * 1.15)
    ticks = [t for t in sorted(TICKS) if lo <= t <= hi]
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FixedFormatter([TICKS[t] for t in ticks]))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_yticks(positions, [_label(r) for _, r in rows.iterrows()])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("Rate against the similar partnerships' rate (log scale)")
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    if n > 1:  # the total apart from the groups it adds up
        ax.axhline(positions[0] - 0.5, color="#BDBDBD", linewidth=0.8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2 * 6 / max(n, 6) - 0.04), ncol=4)
    fig.tight_layout()
    return Chart(fig, title, subtitle, _alt(rows, area, what), source)


def standing_chart(frame: pd.DataFrame, *, title: str, subtitle: str, source: str, what: str) -> Chart:
    """One row per partnership (``partnership``, ``rate``, ``group_rate``, ``group_min``,
    ``group_max``, in the order given, top down): its own group's range as a band, the group's rate
    taken together as a bar and the partnership's rate as a diamond, on one scale of crimes per 1,000."""
    apply_house_style()
    n = len(frame)
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * n + 1.9))
    positions = list(range(n))[::-1]
    for pos, (_, row) in zip(positions, frame.iterrows(), strict=True):
        first = pos == positions[0]
        if pd.notna(row["group_min"]) and pd.notna(row["group_max"]):
            ax.plot(
                [row["group_min"], row["group_max"]],
                [pos, pos],
                color=RANGE,
                linewidth=9,
                solid_capstyle="round",
                zorder=1,
                label="Its group's range" if first else None,
            )
        if pd.notna(row["group_rate"]):
            ax.scatter(
                [row["group_rate"]],
                [pos],
                marker="|",
                s=260,
                color=TEXT,
                linewidths=2,
                zorder=3,
                label="Its group taken together" if first else None,
            )
        if pd.notna(row["rate"]):
            ax.scatter(
                [row["rate"]],
                [pos],
                marker="D",
                s=80,
                color=PALETTE[2],
                edgecolors="white",
                zorder=4,
                label="The partnership" if first else None,
            )
    ax.set_yticks(positions, [str(p) for p in frame["partnership"]])
    ax.set_ylim(-0.7, n - 0.3)
    top = pd.concat([frame["rate"], frame["group_max"]]).max()
    ax.set_xlim(0, float(top) * 1.08 if pd.notna(top) and top > 0 else 1.0)
    ax.set_xlabel("Crimes per 1,000 residents")
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2 * 6 / max(n, 6) - 0.04), ncol=3)
    fig.tight_layout()
    items = "; ".join(
        f"{r['partnership']}: no published rate"
        if pd.isna(r["rate"])
        else f"{r['partnership']}: {r['rate']:.1f} per 1,000, its group {r['group_rate']:.1f} "
        f"(from {r['group_min']:.1f} to {r['group_max']:.1f})"
        for _, r in frame.iterrows()
    )
    alt = f"Dot chart of {what}: each partnership's rate on its own group's range. {items}."
    return Chart(fig, title, subtitle, alt, source)


def _label(row: pd.Series) -> str:
    return str(row["offence_group"])


def _alt(rows: pd.DataFrame, area: str, what: str) -> str:
    """The chart's data in words, row by row."""
    items = []
    for _, r in rows.iterrows():
        if pd.isna(r["rate"]):
            items.append(f"{r['offence_group']}: no rate for {area}")
            continue
        items.append(
            f"{r['offence_group']}: {area} {r['rate']:.1f} per 1,000, the similar partnerships together "
            f"{r['group_rate']:.1f} (from {r['group_min']:.1f} to {r['group_max']:.1f}), England and Wales "
            f"{r['ew_rate']:.1f}; {rank_words(r['rank'], r['of'])}"
        )
    return (
        f"Dot chart of {what}: for each offence group, each similar partnership's rate as a dot on a scale of "
        f"times the group's rate taken together, {area} marked. " + "; ".join(items) + "."
    )


def rank_words(rank: object, of: object) -> str:
    """A rank among ``of``, 1 the highest rate, in words.

    >>> rank_words(1, 16), rank_words(2, 16), rank_words(12, 16), rank_words(16, 16)
    ('the highest of 16', '2nd highest of 16', '12th highest of 16', 'the lowest of 16')
    """
    k, total = int(rank), int(of)  # type: ignore[call-overload]
    if k == 1:
        return f"the highest of {total}"
    if k == total:
        return f"the lowest of {total}"
    return f"{_ordinal(k)} highest of {total}"


def _ordinal(n: object) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.

    >>> [_ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    k = int(n)  # type: ignore[arg-type]
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"
