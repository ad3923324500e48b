"""Ranking local priorities by threat, risk and harm in the manner of MoRiLE, keeping judgement and
data apart.

MoRiLE (Management of Risk in Law Enforcement) scores each issue on its harm, its likelihood and
the organisation's position to deal with it. Here the analyst scores each on 1 to ``scale_max``;
the score is their product divided by ``scale_max`` cubed, so it runs from just above 0 to 1. The
rank is that judgement alone: the data are shown beside it for the reader to weigh, never mixed
into it, because street-level data measure only some priorities and a formula that blends them
would reward or punish a priority for being measurable.

Ties are ranks shared (``=2``). How far a rank could move is shown three ways: re-ranking with
the three scales weighted unequally (the score becomes harm^a x likelihood^b x position^c with
each of a, b and c from ``low`` to ``high``; 1 is the plain product); re-ranking with every score
moved by one point up, down or not at all, at random, many times (a score is a judgement, and a
neighbour's judgement is often a point away), counting how often each priority keeps its place;
and, where several scorers each score the priorities (a ``scorer`` column: MoRiLE's practice of
scoring as a panel), ranking by the panel's mean scores and counting how many scorers' own
rankings keep each priority's place. Cross-cutting issues are listed apart, not ranked: the
partnership named them as running through the priorities rather than as ones.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

#: The three MoRiLE scales, as columns of the analyst's scores.
SCALES = ("harm", "likelihood", "organisational_position")
#: Kinds of local priority that are ranked; cross-cutting issues are listed apart.
RANKED_KINDS = ("priority", "emerging issue")
#: How many random draws the score sensitivity takes, and its seed (the same draws in every build).
SCORE_DRAWS, SCORE_SEED = 4000, 20240601
#: The confidence levels, least first: a panel's confidence is its least confident scorer's.
CONFIDENCE = ("low", "medium", "high")


def shared_ranks(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Ranks of ``values``, highest first, a tie sharing the best rank of its group; and the same
    as labels, a shared rank marked ``=``.

    >>> ranks, labels = shared_ranks(pd.Series([0.6, 0.4, 0.6, 0.1]))
    >>> list(ranks), list(labels)
    ([1, 3, 1, 4], ['=1', '3', '=1', '4'])
    """
    ranks = values.round(12).rank(method="min", ascending=False).astype(int)  # equal products, however computed
    shared = ranks.duplicated(keep=False)
    labels = ranks.astype(str).where(~shared, "=" + ranks.astype(str))
    return ranks, labels


def analyst_score(scores: pd.DataFrame, scale_max: float, weights: tuple[float, float, float] = (1, 1, 1)) -> pd.Series:
    """harm^a x likelihood^b x position^c / scale_max^(a+b+c): from just above 0 to 1."""
    a, b, c = weights
    return (
        (scores["harm"] / scale_max) ** a
        * (scores["likelihood"] / scale_max) ** b
        * (scores["organisational_position"] / scale_max) ** c
    )


def rank_sensitivity(
    scores: pd.DataFrame, *, scale_max: float, low: float, high: float, steps: int = 5
) -> pd.DataFrame:
    """The best and worst rank of each row of ``scores`` over every weighting of the three scales
    with each weight from ``low`` to ``high`` (``steps`` values, 1 among them when in range)."""
    if not 0 < low <= 1 <= high:
        raise ValueError(f"the sensitivity range must run from above 0 to at least 1 around 1, got {low} to {high}")
    grid = sorted(set(np.linspace(low, high, steps).round(6)) | {1.0})
    seen = []
    for weights in itertools.product(grid, repeat=3):
        ranks, _ = shared_ranks(analyst_score(scores, scale_max, weights))
        seen.append(ranks)
    table = pd.concat(seen, axis=1)
    return pd.DataFrame({"best_rank": table.min(axis=1), "worst_rank": table.max(axis=1)})


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, highest first, a tie sharing the best rank of its group."""
    from scipy.stats import rankdata

    return rankdata(-np.round(scores, 12), method="min", axis=-1).astype(int)


def score_sensitivity(
    scores: pd.DataFrame, *, scale_max: float, cut: int, draws: int = SCORE_DRAWS, seed: int = SCORE_SEED
) -> pd.DataFrame:
    """How often each row of ``scores`` keeps its place when every score (harm, likelihood and
    position of every row) moves by one point up, down or not at all, each equally likely and
    kept within 1 and ``scale_max``, over ``draws`` random draws: ``keeps_rank_pct`` the share
    of draws in which it holds its rank, ``keeps_side_pct`` the share in which it stays on the
    same side of the top ``cut`` (in it or out of it), ``best_drawn`` and ``worst_drawn`` the
    best and worst rank drawn.

    >>> two = pd.DataFrame({"harm": [5, 1], "likelihood": [5, 1], "organisational_position": [5, 1]})
    >>> score_sensitivity(two, scale_max=5, cut=1)["keeps_rank_pct"].tolist()
    [100.0, 100.0]
    """
    values = scores[list(SCALES)].to_numpy(dtype=float)
    base = _ranks(np.prod(values / scale_max, axis=1))
    moves = np.random.default_rng(seed).integers(-1, 2, size=(draws, *values.shape))
    drawn = _ranks(np.prod(np.clip(values + moves, 1, scale_max) / scale_max, axis=2))
    return pd.DataFrame(
        {
            "keeps_rank_pct": (drawn == base).mean(axis=0) * 100,
            "keeps_side_pct": ((drawn <= cut) == (base <= cut)).mean(axis=0) * 100,
            "best_drawn": drawn.min(axis=0),
            "worst_drawn": drawn.max(axis=0),
        },
        index=scores.index,
    )


def panel(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores of a year as one row per priority: where a ``scorer`` column names several
    scorers, each scale's mean over them, the least confident scorer's confidence, the
    rationales joined, ``illustrative`` if any is, and ``scorers`` how many scored it."""
    if "scorer" not in scores or scores["scorer"].fillna("").eq("").all():
        return scores.assign(scorers=1).drop(columns=["scorer"], errors="ignore")
    level = {c: i for i, c in enumerate(CONFIDENCE)}
    grouped = scores.groupby("priority_key", sort=False)
    out = grouped[list(SCALES)].mean()
    out["confidence"] = grouped["confidence"].agg(lambda c: min(c, key=lambda x: level.get(x, 0)))
    out["rationale"] = grouped["rationale"].agg(lambda r: "; ".join(dict.fromkeys(x for x in r if x)))
    out["illustrative"] = grouped["illustrative"].any()
    out["scorers"] = grouped["scorer"].nunique()
    return out.reset_index()


def scorer_agreement(
    scores: pd.DataFrame, keys: pd.Index, ranks: pd.Series, *, scale_max: float, cut: int
) -> pd.DataFrame:
    """Per priority of ``keys``, how many scorers' own rankings (each scorer's scores alone, over
    the priorities that scorer scored) keep its ``ranks``: ``scorers_keep_rank`` at the same rank
    and ``scorers_keep_side`` on the same side of the top ``cut``; none without a ``scorer`` column."""
    out = pd.DataFrame({"scorers_keep_rank": 0, "scorers_keep_side": 0}, index=keys)
    if "scorer" not in scores or scores["scorer"].fillna("").eq("").all():
        return out
    for _, own in scores.groupby("scorer"):
        mine = own.set_index("priority_key").reindex([k for k in keys if k in set(own["priority_key"])])
        if mine.empty:
            continue
        theirs, _ = shared_ranks(analyst_score(mine, scale_max))
        out.loc[theirs.index, "scorers_keep_rank"] += (theirs == ranks[theirs.index]).astype(int)
        out.loc[theirs.index, "scorers_keep_side"] += ((theirs <= cut) == (ranks[theirs.index] <= cut)).astype(int)
    return out


def rank_priorities(
    scores: pd.DataFrame,
    priorities: pd.DataFrame,
    *,
    scale_max: float = 5,
    sensitivity: tuple[float, float] = (0.5, 1.5),
) -> pd.DataFrame:
    """Rank the priorities and emerging issues of ``priorities`` (``priority_key``, ``name``,
    ``kind``: the year's) by the analyst's ``scores`` (``priority_key``, ``harm``, ``likelihood``,
    ``organisational_position``, ``confidence``, ``rationale``, ``illustrative``, and optionally
    ``scorer``: several scorers' rows are pooled by :func:`panel`).

    Returns one row per ranked priority, best first: ``rank`` (ties share it), ``rank_label``
    (``=2`` for a tie), the three scores, ``analyst_score`` (0 to 1), ``confidence``,
    ``best_rank`` and ``worst_rank`` (over the ``sensitivity`` range of weights), the score
    sensitivity of :func:`score_sensitivity` (``cut`` the number of named priorities ranked),
    ``scorers`` and the scorers' agreement (:func:`scorer_agreement`), ``rationale``. A priority
    with no score is left out and listed in ``attrs["unscored"]``.
    """
    kinds = priorities.set_index("priority_key")[["name", "kind"]]
    ranked = kinds[kinds["kind"].isin(RANKED_KINDS)]
    s = panel(scores).set_index("priority_key")
    columns = [*SCALES, "confidence", "rationale", "illustrative", "scorers"]
    out = ranked.join(s[columns], how="inner")
    out["analyst_score"] = analyst_score(out, scale_max)
    out["rank"], out["rank_label"] = shared_ranks(out["analyst_score"])
    low, high = sensitivity
    out = out.join(rank_sensitivity(out, scale_max=scale_max, low=low, high=high))
    cut = int((out["kind"] == "priority").sum()) or 1
    out = out.join(score_sensitivity(out, scale_max=scale_max, cut=cut))
    out = out.join(scorer_agreement(scores, out.index, out["rank"], scale_max=scale_max, cut=cut))
    out = out.sort_values(["rank", "name"], kind="stable")
    out.index.name = "priority_key"
    out = out.reset_index()[
        [
            "priority_key",
            "rank",
            "rank_label",
            "name",
            "kind",
            *SCALES,
            "analyst_score",
            "confidence",
            "best_rank",
            "worst_rank",
            "keeps_rank_pct",
            "keeps_side_pct",
            "best_drawn",
            "worst_drawn",
            "scorers",
            "scorers_keep_rank",
            "scorers_keep_side",
            "rationale",
            "illustrative",
        ]
    ]
    out.attrs["unscored"] = [k for k in ranked.index if k not in s.index]
    out.attrs["cut"] = cut
    return out


def cross_cutting(scores: pd.DataFrame, priorities: pd.DataFrame, *, scale_max: float = 5) -> pd.DataFrame:
    """The cross-cutting issues of ``priorities`` with the analyst's scores where given: listed, not ranked."""
    kinds = priorities.set_index("priority_key")[["name", "kind"]]
    issues = kinds[kinds["kind"] == "cross-cutting issue"]
    s = panel(scores).set_index("priority_key")
    out = issues.join(s[[c for c in (*SCALES, "confidence", "rationale", "illustrative") if c in s]], how="left")
    out["analyst_score"] = analyst_score(out, scale_max)
    out.index.name = "priority_key"
    return out.reset_index()


def compare_with_named_priorities(ranking: pd.DataFrame) -> pd.DataFrame:
    """The ranking beside what the partnership named: with N named priorities ranked, a named
    priority agrees when it ranks in the top N (a tie at the edge counts as in), and an emerging
    issue agrees when it ranks below them."""
    out = ranking[["rank", "rank_label", "name", "kind", "analyst_score"]].copy()
    top_n = int((out["kind"] == "priority").sum())
    in_top = out["rank"] <= top_n
    was_priority = out["kind"] == "priority"
    out["finding"] = np.select(
        [was_priority & in_top, was_priority & ~in_top, ~was_priority & in_top],
        [
            f"a named priority, in the top {top_n}",
            f"a named priority, below the top {top_n} on these scores",
            f"named as an emerging issue, in the top {top_n} on these scores",
        ],
        default=f"named as an emerging issue, below the top {top_n}",
    )
    return out
