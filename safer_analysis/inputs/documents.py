"""The documents a partnership's figures are read from, as ``sources.csv`` describes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """A document behind a year's money, as sources.csv gives it: ``standing`` is what it is in its
    own terms ("a plan of intended spending: its Approved column is blank ..."), empty where not
    recorded, and ``date`` as written (``YYYY-MM`` or text)."""

    document_id: str
    title: str
    standing: str
    date: str

    @property
    def draft(self) -> bool:
        return "draft" in self.standing.lower()

    @property
    def approved(self) -> bool:
        """False where its standing says it is a draft, a plan of intended spending or unsigned."""
        return not any(word in self.standing.lower() for word in ("draft", "intended", "unsigned"))
