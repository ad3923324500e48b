"""Spend against the grant: reconciliation, year-on-year change, budget shares and priorities."""

from __future__ import annotations

import pandas as pd

from safer_analysis.analysis.allocation import totals_by_priority

#: How the status of a line is grouped in the reconciliation.
CONFIRMED = "allocated"
PROPOSED = "recommended"
PENDING = ("to be confirmed", "awaiting confirmation")
#: A line's status as a reader should read it: a plan's allocation is intended, not approved.
STATUS_WORDS = {
    "allocated": "allocated in the plan",
    "recommended": "recommended, for the board to decide",
    "to be confirmed": "to be confirmed (Tbc)",
    "awaiting confirmation": "awaiting confirmation",
}


class OverallocationError(ValueError):
    """Committed spend exceeds the grant: an error in the plan, never a negative remainder."""


def reconcile(allocations: pd.DataFrame, grant: float | None, year: str) -> pd.DataFrame:
    """Reconcile one year's allocation lines against its grant.

    Returns one row per line of the reconciliation (grant, allocated, recommended, amounts still
    to be set, committed, unallocated) with the number of projects, pounds and share of grant.
    Raises OverallocationError when the committed total is above the grant. A grant still to be
    confirmed (None) leaves the grant, the remainder and the shares blank.
    """
    lines = allocations[allocations["financial_year"] == year]
    allocated = lines[lines["status"] == CONFIRMED]
    proposed = lines[lines["status"] == PROPOSED]
    pending = lines[lines["status"].isin(PENDING)]
    committed = float(allocated["amount"].sum() + proposed["amount"].sum())
    if grant is not None and committed > grant + 0.005:
        raise OverallocationError(
            f"{year}: committed spend £{committed:,.0f} is more than the £{grant:,.0f} grant "
            f"by £{committed - grant:,.0f}"
        )
    rows = [
        ("grant", "Grant from the Police and Crime Commissioner", None, grant),
        ("allocated", "Allocated in the plan", len(allocated), float(allocated["amount"].sum())),
        ("recommended", "Recommended, for the board to decide", len(proposed), float(proposed["amount"].sum())),
        ("committed", "Allocated or recommended", len(allocated) + len(proposed), committed),
        ("pending", "Lines with no amount yet (Tbc or awaiting confirmation)", len(pending), None),
        ("unallocated", "Unallocated remainder", None, None if grant is None else grant - committed),
    ]
    out = pd.DataFrame(rows, columns=["line", "description", "projects", "amount"])
    out["amount"] = out["amount"].astype(float)
    out["projects"] = out["projects"].astype("Int64")
    out["share_of_grant_pct"] = out["amount"] / grant * 100 if grant else float("nan")
    out.insert(0, "financial_year", year)
    return out


#: What happened to a service between two years, in the words the reports use.
NEW, NOT_IN_PLAN, AMOUNT_SET = (
    "new line",
    "no line of its own this year",
    "continues; amount set this year (none before)",
)


def _line_kind(prev_amount: float | None, cur_amount: float | None, in_prev: bool, in_cur: bool) -> str:
    if not in_prev:
        return NEW
    if not in_cur:
        return NOT_IN_PLAN
    if pd.isna(prev_amount) and not pd.isna(cur_amount):
        return AMOUNT_SET
    if not pd.isna(prev_amount) and pd.isna(cur_amount):
        return "amount not yet set"
    if pd.isna(prev_amount) and pd.isna(cur_amount):
        return "no amount either year"
    if round(cur_amount - prev_amount, 2) > 0:
        return "increased"
    if round(cur_amount - prev_amount, 2) < 0:
        return "decreased"
    return "unchanged"


def change_by_theme(allocations: pd.DataFrame, year: str, previous: str) -> pd.DataFrame:
    """Per theme, the amount in ``previous`` and ``year``, the change in £ and %, and its kind.

    Themes link the same service across years (``theme_key``). Change in % is only given where
    both years have an amount above zero. Each year's provider and contract end are given beside,
    so a change of contract shows.
    """
    cols = ["theme_key", "project", "amount", "status", "provider", "contract_end"]
    prev = allocations.loc[allocations["financial_year"] == previous, cols]
    cur = allocations.loc[allocations["financial_year"] == year, cols]
    both = prev.merge(cur, on="theme_key", how="outer", suffixes=("_previous", "_current"), indicator=True)
    order: dict[str, int] = {}
    for k in list(cur["theme_key"]) + list(prev["theme_key"]):
        order.setdefault(k, len(order))
    both = both.assign(_order=both["theme_key"].map(order)).sort_values("_order")
    in_prev = both["_merge"].isin(["both", "left_only"])
    in_cur = both["_merge"].isin(["both", "right_only"])
    out = pd.DataFrame(
        {
            "theme_key": both["theme_key"],
            "project": both["project_current"].fillna(both["project_previous"]),
            "previous_year": previous,
            "previous_amount": both["amount_previous"].astype(float),
            "previous_status": both["status_previous"],
            "current_year": year,
            "current_amount": both["amount_current"].astype(float),
            "current_status": both["status_current"],
            "previous_provider": both["provider_previous"],
            "current_provider": both["provider_current"],
            "previous_contract_end": both["contract_end_previous"],
            "current_contract_end": both["contract_end_current"],
        }
    )
    out["change"] = out["current_amount"].fillna(0) - out["previous_amount"].fillna(0)
    # a change in pounds only where it is one: both amounts known, a new line, or a dropped line with an amount
    known = out["previous_amount"].notna() & out["current_amount"].notna()
    out["change"] = out["change"].where(
        known
        | (~in_prev.to_numpy() & out["current_amount"].notna())
        | (~in_cur.to_numpy() & out["previous_amount"].notna())
    )
    valid = (out["previous_amount"] > 0) & out["current_amount"].notna()
    out["change_pct"] = (out["change"] / out["previous_amount"] * 100).where(valid)
    out["kind"] = [
        _line_kind(p, c, ip, ic)
        for p, c, ip, ic in zip(out["previous_amount"], out["current_amount"], in_prev, in_cur, strict=True)
    ]
    return out.reset_index(drop=True)


def total_change(changes: pd.DataFrame) -> dict[str, float]:
    """The committed totals of both years in a :func:`change_by_theme` table and their change."""
    prev = float(changes["previous_amount"].sum())  # the amounts each year's document set
    cur = float(changes["current_amount"].sum())
    return {
        "previous": prev,
        "current": cur,
        "change": cur - prev,
        "change_pct": (cur - prev) / prev * 100 if prev else float("nan"),
    }


def budget_share(allocations: pd.DataFrame, year: str) -> pd.DataFrame:
    """How much of each service the grant pays for: for each funded line of ``year``, the latest
    total budget any document gives for the same service up to ``year`` (``budget_year``), the
    grant's amount in that year and its share of that budget. A budget from an earlier year is set
    against that year's grant, never against this year's, since the budget may have changed.
    ``total_budget_text`` is the budget as the document wrote it (``£2m``)."""
    lines = allocations[(allocations["financial_year"] == year) & allocations["amount"].notna()]
    known = allocations[
        (allocations["financial_year"] <= year) & allocations["total_budget"].notna() & allocations["amount"].notna()
    ].sort_values("financial_year")
    latest = known.drop_duplicates("theme_key", keep="last").set_index("theme_key")
    out = lines[["theme_key", "project", "amount"]].copy()
    out["budget_year"] = out["theme_key"].map(latest["financial_year"])
    out["budget_year_amount"] = out["theme_key"].map(latest["amount"]).astype(float)
    out["total_budget"] = out["theme_key"].map(latest["total_budget"]).astype(float)
    out["total_budget_text"] = out["theme_key"].map(latest["total_budget_text"])  # as the document wrote it
    out["other_funding"] = out["total_budget"] - out["budget_year_amount"]
    out["grant_share_pct"] = out["budget_year_amount"] / out["total_budget"] * 100
    return out.reset_index(drop=True)


def contract_risks(allocations: pd.DataFrame, year: str) -> pd.DataFrame:
    """The year's lines whose contract ends before the year is out, or in the next year, the
    sooner first (``when``: "during the year" or "in the next year"): the board has a decision to
    make about each. The board paper and the spend analysis each word them for their reader."""
    from safer_analysis.inputs.years import FinancialYear

    fy = FinancialYear.parse(year)
    months = fy.months()
    following = fy.next().months()
    lines = allocations[(allocations["financial_year"] == year) & allocations["contract_end"].notna()].copy()
    lines["contract_end"] = lines["contract_end"].astype(str)
    lines["when"] = [
        "during the year" if m in months[:-1] else ("in the next year" if m in following else "")
        for m in lines["contract_end"]
    ]
    lines = lines[lines["when"] != ""].sort_values("when", key=lambda s: s != "during the year", kind="stable")
    return lines[["allocation_id", "project", "provider", "amount", "contract_end", "when"]]


def by_pcp_priority(
    allocations: pd.DataFrame,
    links: pd.DataFrame,
    priorities: pd.DataFrame,
    year: str,
    *,
    weight_column: str | None = None,
) -> pd.DataFrame:
    """Spend by Police & Crime Plan priority in ``year``: projects serving it, their gross total,
    and the apportioned share (even split across each project's priorities unless weighted);
    ``attrs["basis"]`` says whether the links are stated or inferred."""
    lines = allocations[(allocations["financial_year"] == year) & allocations["amount"].notna()]
    out = totals_by_priority(lines, links, priorities, weight_column=weight_column)
    basis = links[links["allocation_id"].isin(lines["allocation_id"])]["basis"]
    out.attrs["basis"] = sorted(set(basis)) if "basis" in links else []
    return out


def pcp_money(allocations: pd.DataFrame, links: pd.DataFrame, priorities: pd.DataFrame, year: str) -> pd.DataFrame:
    """Money by Police & Crime Plan priority in ``year``, whole lines only (see
    :func:`safer_analysis.analysis.allocation.money_by_priority`); ``attrs["basis"]`` says whether
    the links are stated or the analyst's reading (inferred)."""
    from safer_analysis.analysis.allocation import money_by_priority

    lines = allocations[(allocations["financial_year"] == year) & allocations["amount"].notna()]
    out = money_by_priority(lines, links, priorities)
    basis = links[links["allocation_id"].isin(lines["allocation_id"])]["basis"]
    out.attrs["basis"] = sorted(set(basis)) if "basis" in links else []
    return out
