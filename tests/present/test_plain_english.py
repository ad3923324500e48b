"""Reading a published page as a board member does: which passages are methods, what the page
opens with, and statistical terms found outside the methods."""

from safer_analysis.present import plain_english

PAGE = """<html><head><title>Strategic assessment</title><style>.sa-summary { color: red }</style></head>
<body><main>
<h1>Strategic assessment</h1>
<h2>Summary of findings</h2>
<section class="sa-summary"><ul><li>Crime rose by 4% (95% CI 1% to 7%).</li><li>Robbery fell</li></ul>
<nav class="sa-toc"><h2>Contents</h2><ol><li><a href="#m">Data sources, methods</a></li></ol></nav></section>
<section class="sa-risks"><h3>For the board to decide</h3><ul><li>Approve the plan.</li></ul></section>
<h2>Trend</h2>
<p>Crime is rising, more than normal year-to-year variation.</p>
<figure><img alt="Chart of rates with 95% confidence intervals" src="x.png"></figure>
<details class="sa-details sa-methods"><summary>Methods: how the trend was tested</summary>
<table><tr><th>p-value</th><td>0.01</td></tr></table></details>
<h2 id="m">Data sources, methods and caveats</h2>
<ul><li>Trend: quasi-Poisson regression with AR(1) errors.</li></ul>
<h3>Intervals</h3><p>Byar's method gives the 95% CI.</p>
<h2>Appendix</h2><p>Imagining a significant change.</p>
</main></body></html>"""


def test_methods_sections_and_blocks_are_marked_and_the_rest_is_not():
    passages = plain_english.passages(PAGE)
    methods = [p.text for p in passages if p.methods]
    assert "Trend: quasi-Poisson regression with AR(1) errors." in methods
    assert "Byar's method gives the 95% CI." in methods  # a subsection of the methods section
    assert "p-value" in methods  # inside a details block marked as methods
    assert "Imagining a significant change." not in methods  # the next section of its level ends it
    assert "Crime is rising, more than normal year-to-year variation." not in methods


def test_the_summary_is_the_opening_block_and_what_the_board_decides_without_the_contents():
    assert plain_english.summary_text(PAGE) == [
        "Crime rose by 4% (95% CI 1% to 7%).",
        "Robbery fell",
        "For the board to decide",
        "Approve the plan.",
    ]


def test_statistical_terms_are_found_outside_the_methods_only_with_alt_text_read():
    found = [term for term, _ in plain_english.statistical_terms(plain_english.board_text(PAGE))]
    assert found == ["95% CI", "confidence interval", "significant"]


def test_a_term_is_found_only_where_a_word_starts():
    assert plain_english.statistical_terms(["imagining a group = 3"]) == []
    assert [t for t, _ in plain_english.statistical_terms(["Gini 0.45; p = 0.03; p-values"])] == [
        "p-value",
        "p =",
        "Gini",
    ]


def test_the_summary_reading_ease_reads_the_passages_together():
    ease = plain_english.reading_ease(plain_english.summary_text(PAGE))
    assert ease > plain_english.READING_EASE_AT_LEAST


def test_problems_name_a_hard_summary_a_missing_one_and_each_term_outside_the_methods():
    hard = (
        '<section class="sa-summary"><ul><li>Notwithstanding considerable methodological uncertainty, '
        "recorded victimisation demonstrated statistically distinguishable intensification.</li></ul></section>"
    )
    (problem,) = plain_english.problems(hard)
    assert problem.startswith("the opening summary reads at -") and "below 50" in problem
    assert plain_english.problems("<p>Crime fell.</p>") == [
        "no opening summary (an element of class sa-summary or sa-risks)"
    ]
    found = plain_english.problems(PAGE)
    assert [p.split(" outside")[0] for p in found] == ["'95% CI'", "'confidence interval'", "'significant'"]
    assert plain_english.problems(PAGE, summary_classes=("sa-risks",))[:1] == found[:1]


def test_inline_elements_do_not_split_a_sentence():
    """A sentence split at each bold word would count as several short ones and flatter the score."""
    page = (
        '<section class="sa-summary"><ul><li>Crime <strong>rose</strong> by <span>4%</span> in '
        '<a href="#">Plymouth</a>.</li></ul></section>'
    )
    assert plain_english.summary_text(page) == ["Crime rose by 4% in Plymouth."]
