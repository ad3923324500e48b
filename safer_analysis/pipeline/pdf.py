"""The board paper as a PDF: the pack's front page, printed to A4 from the same HTML with WeasyPrint.

The page's own print stylesheet (:data:`safer_analysis.present.page.STYLE`) sets the paper: A4
margins, no navigation, no rows or figures split over a page. The PDF is tagged (PDF/UA-1), its
fonts are embedded and its links kept: links to the pack's other files stay relative, so they
open beside the PDF as they do beside the page.

WeasyPrint needs pango, a system library (on Debian ``apt-get install libpango-1.0-0
libpangoft2-1.0-0``). Where WeasyPrint or pango is missing, :func:`engine` says so in one line and
the build goes on without the PDF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from safer_analysis.inputs.names import slug

log = logging.getLogger(__name__)

PAPER_NAME = "{csp}-board-paper-{year}.pdf"
#: The PDF variant asked of WeasyPrint: tagged, for screen readers (PDF/UA-1).
VARIANT = "pdf/ua-1"
SKIPPED = (
    "skipped the board paper's PDF: WeasyPrint could not load ({reason}); on Debian "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0; the rest of the pack is built"
)


def paper_name(csp: str, year: str) -> str:
    """The PDF's file name in the pack.

    >>> paper_name("Plymouth", "2018-19")
    'plymouth-board-paper-2018-19.pdf'
    """
    return PAPER_NAME.format(csp=slug(csp), year=year)


def _load() -> Any:
    from weasyprint import HTML

    return HTML


def engine(say: Callable[[str], None] | None = None) -> Any | None:
    """WeasyPrint's ``HTML`` class, or None after saying in one line why the PDF is skipped."""
    try:
        return _load()
    except (ImportError, OSError) as exc:  # OSError: the package is there, pango is not
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = SKIPPED.format(reason=first[:160])
        (say or log.warning)(message)
        return None


def write_pdf(page: str, target: Path, html_class: Any, *, failure: type[Exception] = RuntimeError) -> int:
    """Print ``page`` (a complete HTML document) to ``target`` as a tagged A4 PDF; the number of pages.

    No base URL is given: the page holds its images inline, and its relative links stay relative.
    WeasyPrint's warnings about CSS it does not read (the screen's width queries) are not shown;
    its errors are. Any error is raised as ``failure`` (the caller's own), naming the file.
    """
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = html_class(string=page).render()
        document.write_pdf(target, pdf_variant=VARIANT)
    except Exception as exc:
        raise failure(f"the board paper's PDF ({target.name}) could not be made: {exc}") from exc
    finally:
        logger.setLevel(level)
    return len(document.pages)
