"""The board paper: the pack's front page, and a PDF of it. A title block, its purpose, numbered
recommendations (each a decision with its options and what follows from each), at most five key
findings in plain words with the comparison that matters, the money in one chart, the risks and
what is still draft or illustrative, then the three reports as appendices.

- :mod:`.decisions`: the recommendations the project's data put to the board;
- :mod:`.model`: the paper, gathered from the data, the settings and the reports' recorded summaries.

The page itself is :mod:`safer_analysis.present.board_paper`.
"""

from safer_analysis.reports.board_paper.decisions import Option, Recommendation, recommendations  # noqa: F401
from safer_analysis.reports.board_paper.model import MAX_FINDINGS, BoardPaper, build  # noqa: F401
