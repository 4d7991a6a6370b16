"""The load model (python -m bench.load) asks for real pages: a renamed or moved URL would
otherwise show up only as a wall of 404 errors in a run that takes half an hour."""

import pytest
from django.urls import resolve, reverse

from bench._load_pages import PAGES, page_of, url

IDS = {"pairing": 7, "cohort": 3, "session": 11}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_of_the_load_model_is_the_view_it_names(name):
    method, _template, view = PAGES[name]
    path = url(name, **IDS)

    assert resolve(path).view_name == view
    assert reverse(view, kwargs=resolve(path).kwargs) == path
    assert page_of(method, path) == f"{method} {name}"  # how gunicorn's log lines are counted


def test_a_request_outside_the_model_is_counted_apart():
    assert page_of("GET", "/profile/") == "GET other"
