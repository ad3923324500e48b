"""The strategic assessment report, in four modules of one purpose each: its model
(:mod:`.model`, the crime profile of one area and year), its findings as sentences
(:mod:`.findings`, with the sentences about trends in :mod:`.trend_text`), its tables and chart
titles (:mod:`.tables`), where crime is, as a map or a table (:mod:`.places`), and how the area compares
with its most similar partnerships (:mod:`.compared`), and what measures each priority (:mod:`.evidence`). The report's
notebook reads them all through this package:
``from safer_analysis.reports import strategic_assessment as sa``."""

from safer_analysis.reports.strategic_assessment import board, compared, evidence  # noqa: F401
from safer_analysis.reports.strategic_assessment.findings import (  # noqa: F401
    PLURALS,
    concentration_sentence,
    coverage_sentence,
    data_quality_sentence,
    data_status,
    evidence_table,
    harm_note,
    illustrative_notice,
    named_priorities_intro,
    no_ranking_sentence,
    peer_absence,
    peer_sentence,
    ranking_sentence,
    recommendations,
    sensitivity_note,
    standing,
    summarise,
    the_period,
    would_rank,
    year_label,
    years_span,
)
from safer_analysis.reports.strategic_assessment.model import (  # noqa: F401
    CrimeDataError,
    Profile,
    build_profile,
    check_coverage,
    peer_comparison,
    ward_names,
)
from safer_analysis.reports.strategic_assessment.places import (  # noqa: F401
    PLACE_FORMATS,
    PLACE_HEADERS,
    TOP_PLACES,
    PlaceView,
    crime_map,
    map_note,
    place_view,
    top_places,
)
from safer_analysis.reports.strategic_assessment.tables import (  # noqa: F401
    RANKING_HEADERS,
    TREND_TEST_FORMATS,
    VERDICTS,
    WORDS,
    concentration_title,
    count_columns,
    crime_source_line,
    cross_cutting_table,
    harm_shares,
    harm_table,
    harm_title,
    lsoa_population_year,
    monthly_title,
    peer_limits,
    peer_note,
    peer_table,
    peer_title,
    population_sentence,
    population_source,
    ranking_table,
    rate_title,
    rates_for_chart,
    recurring_caption,
    tables_source,
    trend_data,
    trend_headers,
    trend_lines,
    trend_lines_subtitle,
    trend_table,
    trend_tests,
    trend_title,
    volume_formats,
    volume_headers,
    volume_table,
)
from safer_analysis.reports.strategic_assessment.trend_text import (  # noqa: F401
    break_sentences,
    trend_findings,
    trend_note,
)
