"""Oversight's tests count the cohort page's queries and change its figures between two loads:
its figures and charts are computed afresh (COHORT_FIGURES_CACHE_SECONDS = 0) unless a test
turns their cache on (tests/oversight/test_cohort_figures_cache.py)."""

import pytest


@pytest.fixture(autouse=True)
def _cohort_figures_computed(settings) -> None:
    settings.COHORT_FIGURES_CACHE_SECONDS = 0
