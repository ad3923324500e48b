"""The house chart style, and the charts of the reports, each with alt text written from its data."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from safer_analysis.present import disclosure
from safer_analysis.present.formats import format_gbp, format_percent

#: UK Government Analysis Function categorical palette (afcharts).
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
#: Grey for a bar set apart (e.g. unallocated): 3.4:1 against white, enough for a graphic (WCAG 1.4.11).
NEUTRAL = "#8C8C8C"
TEXT = "#0B0C0C"
#: The width, in inches, a chart is laid out again at for a phone's screen.
NARROW_WIDTH = 5.0
#: How much larger text is in the phone layout, and how long a category label runs before it wraps.
NARROW_TEXT = 1.3
NARROW_LABEL = 24
#: The smallest text in the phone layout, in points. The phone image is drawn 5 inches wide and
#: shown 358 pixels wide (a 390 pixel screen less the page's margins), so a point there is about a
#: pixel on the screen: 13.5 points keeps text at 12 pixels or more even where the image's tight
#: crop widens it by a tenth.
NARROW_MIN_TEXT = 13.5


@dataclass
class Chart:
    """A figure with the words that travel with it."""

    figure: matplotlib.figure.Figure
    title: str
    subtitle: str
    alt: str
    source: str
    text_px: float = field(default=0.0, init=False, repr=False)

    def png_base64(self, dpi: int = 110, *, close: bool = True) -> str:
        """The figure as a PNG, base64; ``text_px`` holds its smallest text's height in its pixels."""
        from matplotlib.text import Text

        sizes = [t.get_fontsize() for t in self.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
        self.text_px = round(min(sizes, default=0) * dpi / 72, 1)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
        if close:
            plt.close(self.figure)
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    def narrow_png_base64(self, width: float = NARROW_WIDTH, dpi: int = 110) -> str:
        """The figure laid out again for a phone's width: ``width`` inches, its text a third
        larger, long category labels wrapped shorter and fewer ticks on numeric axes, so its words
        stay readable where the page is 390 pixels wide."""
        import textwrap

        from matplotlib.text import Text
        from matplotlib.ticker import FixedLocator, MaxNLocator

        fig = self.figure
        w, h = fig.get_size_inches()
        needed = 0.0
        for ax in fig.axes:
            # bars laid across with a category on each row: shorter label lines leave the bars room,
            # and their value axis two ticks (the bars carry their own values)
            across = isinstance(ax.yaxis.get_major_locator(), FixedLocator)
            wrap_at = NARROW_LABEL - 6 if across else NARROW_LABEL
            for axis in (ax.xaxis, ax.yaxis):
                if isinstance(axis.get_major_locator(), FixedLocator):  # categories: wrap their labels
                    labels = [t.get_text() for t in axis.get_ticklabels()]
                    wrapped = ["\n".join(textwrap.wrap(t.replace("\n", " "), wrap_at)) or t for t in labels]
                    axis.set_ticks(axis.get_ticklocs(), wrapped)
                    if axis is ax.yaxis:  # room for each label's lines at the larger text
                        lines = max((t.count("\n") + 1 for t in wrapped), default=1)
                        needed += len(wrapped) * (0.3 + 0.21 * lines) + 1.4
                elif not isinstance(axis.get_major_locator(), MaxNLocator) or axis is ax.xaxis:
                    if axis.get_scale() == "linear":
                        bins = 2 if across and axis is ax.xaxis and ax.texts else 3
                        axis.set_major_locator(MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]))
            ax.set_xlabel("\n".join(textwrap.wrap(ax.get_xlabel(), 34)))
            ax.set_ylabel("\n".join(textwrap.wrap(ax.get_ylabel(), 28)))
            if ax.get_legend() is not None:  # one column under the chart, its labels wrapped
                handles, labels = ax.get_legend_handles_labels()
                ax.legend(
                    handles,
                    ["\n".join(textwrap.wrap(label, 30)) for label in labels],
                    loc="upper center",
                    bbox_to_anchor=(0.5, -0.16 * 6 / max(fig.get_size_inches()[1], 3)),
                    ncol=1,
                    fontsize=9,
                )
        for text in fig.findobj(Text):
            text.set_fontsize(max(text.get_fontsize() * NARROW_TEXT, NARROW_MIN_TEXT))
        fig.set_size_inches(width, max(h * 1.25, 3.5, needed))
        fig.tight_layout()
        return self.png_base64(dpi)

    def to_html(self) -> str:
        """A ``<figure>`` with the title and subtitle as real text, the image (at desktop width, and
        again laid out for a phone) and its alt text."""
        wide = self.png_base64(close=False)
        wide_px = self.text_px
        narrow = self.narrow_png_base64()
        alt = html.escape(self.alt)
        # data-text-px: the smallest text's height in the image's own pixels, so a browser test can
        # tell how large it is shown (times the shown width over the image's width)
        return (
            '<figure class="sa-chart">'
            f'<figcaption><span class="sa-chart-title">{html.escape(self.title)}</span>'
            f'<span class="sa-chart-subtitle">{html.escape(self.subtitle)}</span></figcaption>'
            f'<img class="sa-wide" src="data:image/png;base64,{wide}" alt="{alt}" data-text-px="{wide_px}">'
            f'<img class="sa-narrow" src="data:image/png;base64,{narrow}" alt="{alt}" data-text-px="{self.text_px}">'
            f"{self.key_html()}"
            f'<p class="sa-chart-source">{html.escape(self.source)}</p>'
            "</figure>"
        )

    def key_html(self) -> str:
        """Words the phone layout shows beside the image (none for a chart; a map's key)."""
        return ""

    def _repr_html_(self) -> str:
        return self.to_html()


def apply_house_style() -> None:
    """Set matplotlib defaults: plain white background, no top/right spines, readable text, and
    text drawn as it is written (matplotlib would read text between two $ signs, such as a name
    holding "$$", as mathematics, and fail on it)."""
    plt.rcParams.update(
        {
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "axes.edgecolor": "#595959",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "font.family": "DejaVu Sans",
            "legend.frameon": False,
            "text.parse_math": False,
        }
    )


def compact_gbp(value: float) -> str:
    """A short money label for an axis tick: £0, £50k, £1.5m.

    >>> [compact_gbp(v) for v in (0, 50_000, 125_000, 2_000_000, 750)]
    ['£0', '£50k', '£125k', '£2m', '£750']
    """
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:.3g}m"
    if abs(value) >= 1_000:
        return f"£{value / 1_000:.3g}k"
    return f"£{value:,.0f}"


def _gbp_axis(ax: matplotlib.axes.Axes) -> None:
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: compact_gbp(x)))
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)


def _wrap(label: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def bar_gbp(
    labels: list[str],
    amounts: list[float],
    *,
    title: str,
    subtitle: str,
    source: str,
    what: str,
    total: float | None = None,
    highlight_last: bool = False,
) -> Chart:
    """A horizontal bar chart of amounts in pounds, each bar labelled with its value (and share
    of ``total`` where given). ``highlight_last`` draws the last bar in grey (e.g. unallocated)."""
    apply_house_style()
    height = 0.55 * len(labels) + 1.2
    fig, ax = plt.subplots(figsize=(8.5, height))
    colours = [PALETTE[0]] * len(labels)
    if highlight_last and labels:
        colours[-1] = NEUTRAL
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, amounts, color=colours, height=0.65)
    ax.set_yticks(positions, [_wrap(lbl) for lbl in labels])
    top = max(amounts) if amounts else 1
    for pos, value in zip(positions, amounts, strict=True):
        text = format_gbp(value)
        if total:
            text += f" ({format_percent(value / total * 100)})"
        ax.text(value + top * 0.01, pos, text, va="center", fontsize=9.5, color=TEXT)
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel("Amount (£)")
    _gbp_axis(ax)
    fig.tight_layout()
    items = "; ".join(
        f"{lbl}: {format_gbp(a)}" + (f" ({format_percent(a / total * 100)})" if total else "")
        for lbl, a in zip(labels, amounts, strict=True)
    )
    alt = f"Horizontal bar chart of {what}. {len(labels)} bars, in order: {items}."
    return Chart(fig, title, subtitle, alt, source)


def paired_bars_gbp(
    labels: list[str],
    before: list[float],
    after: list[float],
    *,
    before_label: str,
    after_label: str,
    title: str,
    subtitle: str,
    source: str,
    what: str,
) -> Chart:
    """Two bars per item (before and after), told apart by colour and by hatching."""
    apply_house_style()
    height = 0.75 * len(labels) + 1.4
    fig, ax = plt.subplots(figsize=(8.5, height))
    n = len(labels)
    base = [float(n - 1 - i) for i in range(n)]
    b = [0.0 if pd.isna(x) else x for x in before]
    a = [0.0 if pd.isna(x) else x for x in after]
    ax.barh(
        [p + 0.18 for p in base], b, height=0.34, color=PALETTE[1], hatch="//", edgecolor="white", label=before_label
    )
    ax.barh([p - 0.18 for p in base], a, height=0.34, color=PALETTE[0], label=after_label)
    top = max(b + a + [1.0])
    for p, x in zip(base, b, strict=True):
        ax.text(x + top * 0.01, p + 0.18, format_gbp(x) if x else "no amount", va="center", fontsize=8.5)
    for p, x in zip(base, a, strict=True):
        ax.text(x + top * 0.01, p - 0.18, format_gbp(x) if x else "no amount", va="center", fontsize=8.5)
    ax.set_yticks(base, [_wrap(lbl) for lbl in labels])
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("Amount (£)")
    _gbp_axis(ax)
    ax.legend(loc="lower right")
    fig.tight_layout()
    items = "; ".join(
        f"{lbl}: {format_gbp(x) if x else 'no amount'} in {before_label}, "
        f"{format_gbp(y) if y else 'no amount'} in {after_label}"
        for lbl, x, y in zip(labels, b, a, strict=True)
    )
    alt = f"Paired horizontal bar chart of {what}. {items}."
    return Chart(fig, title, subtitle, alt, source)


# ---- the spend analysis charts ------------------------------------------------------------


def allocation_chart(allocations: pd.DataFrame, grant: float | None, year: str, place: str, source: str) -> Chart:
    """Each funded project's amount and share of the grant, with any unallocated remainder."""
    lines = allocations[(allocations["financial_year"] == year) & allocations["amount"].notna()]
    lines = lines.sort_values("amount", ascending=False)
    labels = list(lines["project"])
    amounts = [float(x) for x in lines["amount"]]
    if grant is None:
        return bar_gbp(
            labels,
            amounts,
            title=f"The {year} grant is still to be confirmed",
            subtitle=f"Amounts entered so far by project, {place}, {year} (£)",
            source=source,
            what=f"the {year} amounts entered so far by project",
        )
    remainder = grant - sum(amounts)
    if remainder > 0.5:
        labels.append("Not yet allocated")
        amounts.append(remainder)
    if lines.empty:
        title = f"None of the {year} grant has been allocated yet"
    else:
        top = lines.iloc[0]
        title = f"{top['project']} takes {format_percent(top['amount'] / grant * 100)} of the {year} grant"
    return bar_gbp(
        labels,
        amounts,
        title=title,
        subtitle=f"Amount from the Police and Crime Commissioner's grant by project, "
        f"{place}, {year} (£, % of the {format_gbp(grant)} grant)",
        source=source,
        what=f"the {year} grant by project",
        total=grant,
        highlight_last=remainder > 0.5,
    )


def change_chart(changes: pd.DataFrame, place: str, source: str, title: str | None = None) -> Chart:
    """Each theme's amount in the previous year beside the selected year."""
    prev, cur = changes["previous_year"].iloc[0], changes["current_year"].iloc[0]
    total_prev = changes["previous_amount"].sum()
    total_cur = changes["current_amount"].sum()
    direction = "rises" if total_cur > total_prev else "falls" if total_cur < total_prev else "holds"
    title = title or (
        f"Spend with an amount {direction} from {format_gbp(total_prev)} in {prev} to {format_gbp(total_cur)} in {cur}"
    )
    return paired_bars_gbp(
        list(changes["project"]),
        list(changes["previous_amount"]),
        list(changes["current_amount"]),
        before_label=prev,
        after_label=cur,
        title=title,
        subtitle=f"Amount from the grant by service, {place}, {prev} and {cur} (£)",
        source=source,
        what=f"the amount per service in {prev} and {cur}",
    )


def priority_chart(by_priority: pd.DataFrame, year: str, place: str, source: str) -> Chart:
    """Apportioned spend per Police & Crime Plan priority."""
    labels = [f"{p}. {n}" for p, n in zip(by_priority["priority"], by_priority["name"], strict=True)]
    amounts = [float(x) for x in by_priority["apportioned"]]
    total = sum(amounts)
    top = by_priority.loc[by_priority["apportioned"].idxmax()]
    title = (
        f"'{top['name']}' draws the largest share of {year} spend"
        if total
        else f"No {year} spend is linked to a Police & Crime Plan priority yet"
    )
    return bar_gbp(
        labels,
        amounts,
        title=title,
        subtitle=f"Spend apportioned evenly across each project's Police & Crime Plan priorities, "
        f"{place}, {year} (£, % of apportioned spend)",
        source=source,
        what=f"{year} spend apportioned to Police & Crime Plan priorities",
        total=total or None,
    )


# ---- the strategic assessment charts -------------------------------------------------------


def _count_axis(ax: matplotlib.axes.Axes, axis: str = "x") -> None:
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis=axis, color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)


def rate_chart(rates: pd.DataFrame, *, title: str, subtitle: str, source: str, what: str) -> Chart:
    """Rates per 1,000 people by category (index), with the range each likely lies in (its 95%
    interval) as whiskers.

    A suppressed rate (``[c]`` or missing, see :mod:`safer_analysis.disclosure`) gets no bar, the
    label ``[c]`` and the standard footnote."""
    apply_house_style()
    rates = rates[["rate", "lower", "upper"]].apply(pd.to_numeric, errors="coerce")
    labels = [str(i) for i in rates.index]
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(labels) + 1.4))
    positions = list(range(len(labels)))[::-1]
    shown = rates["rate"].notna().to_numpy()
    drawn = rates[shown]
    err = [(drawn["rate"] - drawn["lower"]).to_numpy(), (drawn["upper"] - drawn["rate"]).to_numpy()]
    ax.barh(
        [p for p, s in zip(positions, shown, strict=True) if s],
        drawn["rate"],
        color=PALETTE[0],
        height=0.6,
        xerr=err,
        error_kw={"ecolor": PALETTE[4], "capsize": 3, "linewidth": 1},
    )
    ax.set_yticks(positions, [_wrap(lbl) for lbl in labels])
    top = float(drawn["upper"].max()) if len(drawn) else 1.0
    for pos, r, up in zip(positions, rates["rate"], rates["upper"], strict=True):
        label = disclosure.SUPPRESSED if pd.isna(r) else f"{r:.1f}"
        ax.text((0 if pd.isna(up) else up) + top * 0.01, pos, label, va="center", fontsize=9.5, color=TEXT)
    ax.set_xlim(0, top * 1.15)
    ax.set_xlabel("Rate per 1,000 people (whiskers: the range the rate likely lies in)")
    _count_axis(ax)
    fig.tight_layout()
    items = "; ".join(
        f"{lbl}: suppressed, {disclosure.SUPPRESSED}"
        if pd.isna(r)
        else f"{lbl}: {r:.1f} (likely between {lo:.1f} and {up:.1f})"
        for lbl, r, lo, up in zip(labels, rates["rate"], rates["lower"], rates["upper"], strict=True)
    )
    alt = f"Horizontal bar chart of {what}, with the range each rate likely lies in. {items}."
    if not shown.all():
        source = f"{source} {disclosure.footnote()}."
    return Chart(fig, title, subtitle, alt, source)


def lines_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    source: str,
    what: str,
    ylabel: str,
    xlabels: list[str] | None = None,
) -> Chart:
    """One labelled line per column of ``frame`` over its index (years or months); up to six
    lines, each with its own marker so colour is not the only way to tell them apart."""
    apply_house_style()
    if frame.shape[1] > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} lines in one chart, got {frame.shape[1]}")
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    x = list(range(len(frame.index)))
    markers = ["o", "s", "^", "D", "v", "P"]
    for i, column in enumerate(frame.columns):
        ax.plot(x, frame[column], marker=markers[i], color=PALETTE[i], linewidth=2, label=str(column))
        ax.annotate(
            f"{frame[column].iloc[-1]:,.0f}",
            (x[-1], frame[column].iloc[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=TEXT,
        )  # 4.5:1 for text
    ax.set_xticks(
        x,
        xlabels or [str(i) for i in frame.index],
        rotation=45 if len(x) > 6 else 0,
        ha="right" if len(x) > 6 else "center",
    )
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _count_axis(ax, "y")
    if frame.shape[1] > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1))
    fig.tight_layout()
    labels = xlabels or [str(i) for i in frame.index]
    series = "; ".join(
        f"{col}: "
        + ", ".join(
            f"{lbl} {'no data' if pd.isna(v) else f'{v:,.0f}'}" for lbl, v in zip(labels, frame[col], strict=True)
        )
        for col in frame.columns
    )
    alt = f"Line chart of {what}. {series}."
    return Chart(fig, title, subtitle, alt, source)


def share_pairs_chart(
    frame: pd.DataFrame,
    first: str,
    second: str,
    *,
    first_label: str,
    second_label: str,
    title: str,
    subtitle: str,
    source: str,
    what: str,
) -> Chart:
    """Two percentages per category side by side (e.g. share of volume and share of harm)."""
    apply_house_style()
    labels = [str(i) for i in frame.index]
    fig, ax = plt.subplots(figsize=(8.5, 0.6 * len(labels) + 1.6))
    pos = list(range(len(labels)))[::-1]
    h = 0.38
    ax.barh([p + h / 2 for p in pos], frame[first], height=h, color=PALETTE[0], label=first_label)
    ax.barh(
        [p - h / 2 for p in pos],
        frame[second],
        height=h,
        color=PALETTE[1],
        label=second_label,
        hatch="//",
        edgecolor="white",
    )
    for p, a, b in zip(pos, frame[first], frame[second], strict=True):
        ax.text(a + 0.5, p + h / 2, format_percent(a), va="center", fontsize=8.5, color=TEXT)
        ax.text(b + 0.5, p - h / 2, format_percent(b), va="center", fontsize=8.5, color=TEXT)
    ax.set_yticks(pos, [_wrap(lbl) for lbl in labels])
    ax.set_xlim(0, max(frame[first].max(), frame[second].max()) * 1.2)
    ax.set_xlabel("Share (%)")
    _count_axis(ax)
    ax.legend(loc="lower right")
    fig.tight_layout()
    items = "; ".join(
        f"{lbl}: {format_percent(a)} {first_label.lower()}, {format_percent(b)} {second_label.lower()}"
        for lbl, a, b in zip(labels, frame[first], frame[second], strict=True)
    )
    alt = f"Paired horizontal bar chart of {what}. {items}."
    return Chart(fig, title, subtitle, alt, source)


def funnel_chart(
    areas: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    highlight: str,
    context: dict[str, float],
    title: str,
    subtitle: str,
    source: str,
    what: str,
) -> Chart:
    """Rates per 1,000 (``areas``: index the area names, ``rate`` and ``population``) against
    population, with the funnel ``limits`` (``population``, ``lower_95``, ``upper_95``,
    ``lower_99.8``, ``upper_99.8``), the ``highlight`` area marked and named, and dashed
    horizontal lines for the ``context`` rates (label to rate)."""
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    x = limits["population"]
    ax.plot(x, limits["upper_95"], color=PALETTE[4], linewidth=1, label="Range expected (19 in 20)")
    ax.plot(x, limits["lower_95"], color=PALETTE[4], linewidth=1)
    ax.plot(x, limits["upper_99.8"], color=PALETTE[4], linewidth=1, linestyle=":", label="Wider range (998 in 1,000)")
    ax.plot(x, limits["lower_99.8"], color=PALETTE[4], linewidth=1, linestyle=":")
    styles = [(PALETTE[1], "--"), (PALETTE[3], "-.")]
    for (label, value), (colour, style) in zip(context.items(), styles, strict=False):
        ax.axhline(value, color=colour, linestyle=style, linewidth=1.2, label=f"{label}: {value:.1f}")
    others = areas.drop(index=[highlight], errors="ignore")
    ax.scatter(others["population"], others["rate"], color=PALETTE[0], s=36, zorder=3, label="Other partnerships")
    if highlight in areas.index:
        own = areas.loc[highlight]
        ax.scatter([own["population"]], [own["rate"]], color=PALETTE[2], marker="D", s=70, zorder=4, label=highlight)
        ax.annotate(
            f"{highlight}: {own['rate']:.1f}",
            (own["population"], own["rate"]),
            xytext=(8, 6),
            textcoords="offset points",
            fontsize=9.5,
            color=TEXT,
        )
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("Residents (log scale)")
    ax.set_ylabel("Crimes per 1,000 residents")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=9)
    fig.tight_layout()
    items = "; ".join(f"{name}: {r['rate']:.1f} per 1,000" for name, r in areas.sort_values("rate").iterrows())
    lines = "; ".join(f"{k} {v:.1f}" for k, v in context.items())
    alt = f"Funnel plot of {what}. {items}. Reference lines: {lines}."
    return Chart(fig, title, subtitle, alt, source)


def concentration_chart(
    curve: pd.DataFrame, *, share: float, title: str, subtitle: str, source: str, what: str
) -> Chart:
    """The concentration curve (``place_share``, ``crime_share``, 0 to 1) with the line of equal
    shares, and the share of crime in the busiest ``share`` of places marked."""
    apply_house_style()
    import numpy as np

    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    ax.plot(curve["place_share"] * 100, curve["crime_share"] * 100, color=PALETTE[0], linewidth=2, label="Crime")
    ax.plot([0, 100], [0, 100], color=PALETTE[4], linestyle="--", linewidth=1, label="If spread evenly")
    at = float(np.interp(share, curve["place_share"], curve["crime_share"])) * 100
    ax.plot([share * 100, share * 100, 0], [0, at, at], color=PALETTE[2], linewidth=1, linestyle=":")
    ax.annotate(
        f"busiest {share * 100:.0f}%: {at:.1f}% of crime",
        (share * 100, at),
        xytext=(8, -14),
        textcoords="offset points",
        fontsize=9.5,
        color=TEXT,
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("Share of neighbourhoods, busiest first (%)")
    ax.set_ylabel("Share of crime (%)")
    ax.grid(color="#E0E0E0", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right")
    fig.tight_layout()
    points = ", ".join(
        f"{p:.0f}% of places hold {float(np.interp(p / 100, curve['place_share'], curve['crime_share'])) * 100:.1f}%"
        for p in (10, 25, 50)
    )
    alt = f"Concentration curve of {what}: {points} of crime."
    return Chart(fig, title, subtitle, alt, source)
