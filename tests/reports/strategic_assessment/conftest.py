"""The bundled real extract and its profile for every year, shared by the strategic assessment's tests."""

from __future__ import annotations

import pytest

from safer_analysis.inputs import police_uk
from safer_analysis.reports.strategic_assessment.model import build_profile

from ...conftest import CRIME_FILE


@pytest.fixture(scope="module")
def crimes():
    return police_uk.load_crimes(CRIME_FILE)


@pytest.fixture(scope="module")
def profiles(crimes, dataset):
    meta = crimes.attrs["metadata"]
    return {
        y: build_profile(crimes, dataset, y, "Plymouth", area_codes=["E06000026"], metadata=meta) for y in dataset.years
    }
