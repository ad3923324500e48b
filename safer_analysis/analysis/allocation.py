"""Projects against priorities: which priorities each pound serves, and how it is apportioned."""

from __future__ import annotations

import pandas as pd


def apportion(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    *,
    weight_column: str | None = None,
    key: str = "priority",
) -> pd.DataFrame:
    """Share each allocation's amount across the priorities it serves.

    ``links`` has one row per (allocation_id, priority). By default each project's amount is split
    evenly across its priorities; name a ``weight_column`` in ``links`` to split in proportion to
    it instead. Returns one row per link with ``share`` (fraction of the project) and
    ``apportioned`` (pounds). Projects with no amount or no priorities contribute nothing, so the
    apportioned total equals the total of funded projects that have at least one priority.

    >>> a = pd.DataFrame({"allocation_id": ["x"], "amount": [300.0]})
    >>> l = pd.DataFrame({"allocation_id": ["x", "x"], "priority": [1, 2]})
    >>> apportion(a, l)["apportioned"].tolist()
    [150.0, 150.0]
    """
    merged = links.merge(allocations[["allocation_id", "amount"]], on="allocation_id", how="inner", validate="m:1")
    merged = merged[merged["amount"].notna()].copy()
    if weight_column is None:
        weights = pd.Series(1.0, index=merged.index)
    else:
        if weight_column not in merged:
            raise KeyError(f"links have no column {weight_column!r} to weight by")
        weights = merged[weight_column].astype(float)
        if (weights < 0).any():
            raise ValueError(f"weights in {weight_column!r} must be zero or more")
    totals = weights.groupby(merged["allocation_id"]).transform("sum")
    if (totals == 0).any():
        bad = sorted(merged.loc[totals == 0, "allocation_id"].unique())
        raise ValueError(f"allocations {', '.join(bad)} have weights adding up to zero")
    merged["share"] = weights / totals
    merged["apportioned"] = merged["amount"] * merged["share"]
    return merged[["allocation_id", key, "share", "amount", "apportioned"]].reset_index(drop=True)


def priority_matrix(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    *,
    key: str = "priority",
    label_column: str = "project",
) -> pd.DataFrame:
    """A projects-by-priorities table of ticks (True where the project serves the priority)."""
    serves = links[links["allocation_id"].isin(allocations["allocation_id"])]
    matrix = pd.crosstab(serves["allocation_id"], serves[key]).astype(bool)
    matrix = matrix.reindex(allocations["allocation_id"], fill_value=False)
    matrix.index = allocations.set_index("allocation_id").loc[matrix.index, label_column]
    matrix.columns.name = key
    return matrix


def totals_by_priority(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    names: pd.DataFrame,
    *,
    key: str = "priority",
    name_column: str = "name",
    weight_column: str | None = None,
) -> pd.DataFrame:
    """Per priority: the projects serving it, their gross total, and the apportioned share.

    ``names`` lists every priority (column ``key``) with its ``name_column``; priorities no
    project serves are kept with zeros so they can be named as unfunded. The apportioned column
    adds up to the total of funded projects that serve at least one priority.
    """
    funded = allocations[allocations["amount"].notna()]
    shares = apportion(funded, links, weight_column=weight_column, key=key)
    grouped = shares.groupby(key).agg(
        projects=("allocation_id", "nunique"), gross_amount=("amount", "sum"), apportioned=("apportioned", "sum")
    )
    out = names[[key, name_column]].merge(grouped, left_on=key, right_index=True, how="left")
    out["projects"] = out["projects"].fillna(0).astype(int)
    out[["gross_amount", "apportioned"]] = out[["gross_amount", "apportioned"]].fillna(0.0)
    total = out["apportioned"].sum()
    out["apportioned_pct"] = out["apportioned"] / total * 100 if total else float("nan")
    return out.reset_index(drop=True)


def money_by_priority(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    names: pd.DataFrame,
    *,
    key: str = "priority",
    name_column: str = "name",
    label_column: str = "project",
) -> pd.DataFrame:
    """Per priority (every one in ``names``, in its order): the funded lines serving it (``lines``)
    and the money in them (``total``), split into its own (``lines_alone``, ``amount_alone``: whole
    lines that serve it alone, and its part of a line whose document splits it, given as
    ``document_amount`` on every link of that line) and the lines it shares with other priorities
    undivided (``lines_shared``, ``amount_shared``, their names in ``shared_projects``). Every figure
    is a line's whole amount, a part the document gives, or a sum of them; the tool splits nothing.
    A shared line counts whole under each priority it serves, so the totals overlap.

    >>> a = pd.DataFrame({"allocation_id": ["x", "y", "z"], "project": ["X", "Y", "Z"], "amount": [300.0, 50.0, 90.0]})
    >>> l = pd.DataFrame({"allocation_id": ["x", "x", "y", "z", "z"], "priority": [1, 2, 1, 2, 3],
    ...                   "document_amount": [None, None, None, 60.0, 30.0]})
    >>> n = pd.DataFrame({"priority": [1, 2, 3, 4], "name": ["a", "b", "c", "d"]})
    >>> money_by_priority(a, l, n).set_index("priority")[["total", "amount_alone", "amount_shared"]].values.tolist()
    [[350.0, 50.0, 300.0], [360.0, 60.0, 300.0], [30.0, 30.0, 0.0], [0.0, 0.0, 0.0]]
    """
    funded = allocations[allocations["amount"].notna()]
    columns = ["allocation_id", key] + (["document_amount"] if "document_amount" in links else [])
    serves = links.loc[links["allocation_id"].isin(funded["allocation_id"]), columns].drop_duplicates(
        ["allocation_id", key]
    )
    serves = serves.merge(funded[["allocation_id", "amount", label_column]], on="allocation_id", validate="m:1")
    if "document_amount" not in serves:
        serves["document_amount"] = float("nan")
    part = serves["document_amount"].astype(float)
    alone = serves["allocation_id"].map(serves.groupby("allocation_id")[key].nunique()) == 1
    split = ~alone & serves["allocation_id"].map(part.notna().groupby(serves["allocation_id"]).all())
    shared_rows = ~alone & ~split
    serves["own"] = serves["amount"].where(alone, part.where(split, 0.0))
    serves["undivided"] = serves["amount"].where(shared_rows, 0.0)
    serves["value"] = serves["own"] + serves["undivided"]
    out = names[[key, name_column]].rename(columns={name_column: "name"}).set_index(key)
    for suffix, rows, value in (
        ("", serves, "value"),
        ("_alone", serves[~shared_rows], "own"),
        ("_shared", serves[shared_rows], "undivided"),
    ):
        grouped = rows.groupby(key)
        out["lines" + suffix] = grouped["allocation_id"].nunique().reindex(out.index).fillna(0).astype(int)
        column = "total" if not suffix else "amount" + suffix
        out[column] = grouped[value].sum().reindex(out.index).fillna(0.0).astype(float)
    shared = serves[shared_rows].groupby(key)[label_column].agg(lambda s: list(dict.fromkeys(s)))
    out["shared_projects"] = [shared.get(k, []) for k in out.index]
    return out.reset_index()


def link_sources(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    names: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    key: str = "priority",
    name_column: str = "name",
) -> pd.DataFrame:
    """Each link between one of ``allocations``' lines and a priority, with where it comes from:
    ``from_document`` is True where the document states it (``basis`` stated), and ``source`` says
    where (the document's title and place, where the links file cites one) or, for the analyst's
    reading, what it was read from (``reading``, or the place the links file gives)."""
    titles = sources.set_index("document_id")["title"] if len(sources) else pd.Series(dtype=object)
    label = names.set_index(key)[name_column]
    mine = links[links["allocation_id"].isin(allocations["allocation_id"])]
    projects = allocations.set_index("allocation_id")["project"]
    rows = []
    for _, link in mine.iterrows():
        doc, place = link.get("source_document"), link.get("source_section")
        reading = link.get("reading")
        stated = link["basis"] == "stated"
        cite = ""
        if isinstance(doc, str) and doc:
            cite = str(titles.get(doc, doc)) + (f", {place}" if isinstance(place, str) and place else "")
        words = reading if isinstance(reading, str) and reading else ""
        if stated:
            source = "; ".join(p for p in (cite, words) if p) or "stated in the document (no place given)"
        else:
            source = words or (f"read from {cite}" if cite else "the analyst's reading")
        rows.append(
            {
                "allocation_id": link["allocation_id"],
                "project": projects.get(link["allocation_id"]),
                key: link[key],
                "priority_name": label.get(link[key], link[key]),
                "from_document": stated,
                "source": source,
                "document_amount": link.get("document_amount"),
            }
        )
    columns = ["allocation_id", "project", key, "priority_name", "from_document", "source", "document_amount"]
    return pd.DataFrame(rows, columns=columns)


#: How a link between a line and a priority is shown in a matrix, by where it comes from.
LINK_WORDS = {True: "Document", False: "Analyst", None: "–"}
NO_LINK = LINK_WORDS[None]


def labelled_matrix(
    allocations: pd.DataFrame, links: pd.DataFrame, *, key: str = "priority", label_column: str = "project"
) -> pd.DataFrame:
    """A projects-by-priorities table whose cells say whether the line serves the priority and
    on whose word: the document's, or the analyst's reading (:data:`LINK_WORDS`)."""
    serves = links[links["allocation_id"].isin(allocations["allocation_id"])]
    stated = serves.assign(stated=serves["basis"] == "stated").pivot_table(
        index="allocation_id", columns=key, values="stated", aggfunc="max"
    )
    stated = stated.reindex(allocations["allocation_id"])
    out = stated.apply(lambda col: col.map(lambda v: LINK_WORDS[None] if pd.isna(v) else LINK_WORDS[bool(v)]))
    out.index = allocations.set_index("allocation_id").loc[out.index, label_column]
    out.columns.name = key
    return out


def alignment(money: pd.DataFrame, ranking: pd.DataFrame) -> pd.DataFrame:
    """Each local priority's money (:func:`money_by_priority` over local priorities, key
    ``priority_key``) beside its rank by threat, risk and harm; ``ranking`` is the strategic
    assessment's ranked table (``priority_key``, ``rank``, ``rank_label``, ``analyst_score``). A
    priority that is not ranked (a cross-cutting issue, or one not scored) has no rank. No share of
    harm is set beside spend: the street-level data measure too few of the priorities for one to
    mean anything.
    """
    columns = [c for c in ("priority_key", "rank", "rank_label", "analyst_score", "illustrative") if c in ranking]
    out = money.merge(ranking[columns], on="priority_key", how="left")
    out["funded"] = out["lines"] > 0
    return out.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)


def _round_to_total(amounts: pd.Series, total: int) -> pd.Series:
    """Whole pounds adding up exactly to ``total`` (largest remainders get the spare pounds)."""
    floors = amounts.apply(lambda x: int(x // 1))
    spare = int(round(total - floors.sum()))
    order = (amounts - floors).sort_values(ascending=False, kind="stable").index
    floors.loc[order[:spare]] += 1
    return floors


def propose_remainder(
    allocations: pd.DataFrame, local_links: pd.DataFrame, ranking: pd.DataFrame, grant: float, year: str
) -> pd.DataFrame:
    """A proposal for the grant not yet committed, in proportion to the ranked need.

    Committed lines (with an amount) are held fixed. The remainder (grant minus committed) is
    shared among the year's lines without an amount, each weighted by the mean threat, risk
    and harm score (the analyst's) of the local priorities it serves (lines serving no scored
    priority get the lowest score among the lines). Amounts are whole pounds and the total of
    fixed and proposed equals the grant exactly.
    """
    lines = allocations[allocations["financial_year"] == year]
    fixed = lines[lines["amount"].notna()]
    open_lines = lines[lines["amount"].isna()]
    remainder = grant - float(fixed["amount"].sum())
    if remainder < -0.005:
        raise ValueError(f"{year}: committed spend is more than the grant; there is nothing to propose")
    scores = ranking.set_index("priority_key")["analyst_score"]
    weights = {}
    for aid in open_lines["allocation_id"]:
        keys = local_links.loc[local_links["allocation_id"] == aid, "priority_key"]
        found = [scores[k] for k in keys if k in scores.index]
        weights[aid] = sum(found) / len(found) if found else float("nan")
    w = pd.Series(weights, dtype=float)
    if not w.empty:
        w = w.fillna(w.min() if w.notna().any() else 1.0)
    out = lines[["allocation_id", "project", "status", "amount"]].copy().rename(columns={"amount": "committed"})
    out["need_score"] = out["allocation_id"].map(w)
    out["proposed"] = 0.0
    if not w.empty and remainder > 0:
        raw = w / w.sum() * remainder
        out.loc[out["allocation_id"].isin(w.index), "proposed"] = out["allocation_id"].map(
            _round_to_total(raw, int(round(remainder))).astype(float)
        )
    out["total"] = out["committed"].fillna(0) + out["proposed"]
    out.attrs["remainder"] = remainder
    out.attrs["rule"] = (
        "The uncommitted remainder is shared among the lines with no amount yet, in "
        "proportion to the mean threat, risk and harm score of the local "
        "priorities each serves; committed lines are unchanged."
    )
    return out.reset_index(drop=True)
