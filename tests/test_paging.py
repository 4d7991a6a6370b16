"""mentoring.paging.page_of answers the page Django's paginator answers, whatever the number
asked for, and skips the count only when one page holds everything."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from mentoring.paging import page_of, page_of_first
from mentoring.prepared import PreparedQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("people", [0, 3, 4, 7])
def test_page_of_answers_the_paginators_page(people):
    UserFactory.create_batch(people)
    everyone = User.objects.order_by("pk")
    for number in (None, "1", "2", "3", "0", "-1", "x", "99"):
        wanted = Paginator(everyone, 3).get_page(number)

        page = page_of(everyone, 3, number)

        assert (page.number, page.paginator.num_pages, page.paginator.count) == (
            wanted.number,
            wanted.paginator.num_pages,
            wanted.paginator.count,
        )
        assert list(page.object_list) == list(wanted.object_list)


def test_a_first_page_that_holds_everything_is_read_in_one_query():
    UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        page = page_of(User.objects.order_by("pk"), 3, None)
        assert page.paginator.num_pages == 1
    assert len(queries) == 1


@pytest.mark.parametrize("people", [0, 3, 4, 7])
def test_page_of_first_answers_the_paginators_page_building_the_queryset_only_when_needed(people):
    UserFactory.create_batch(people)
    everyone = User.objects.order_by("pk")
    first_read = PreparedQuery(lambda *, size: User.objects.order_by("pk")[:size])
    for number in (None, "1", "2", "3", "0", "-1", "x", "99"):
        built = []
        wanted = Paginator(everyone, 3).get_page(number)

        page = page_of_first(
            first=lambda size: first_read(size=size),
            objects=lambda built=built: built.append(1) or everyone,
            per_page=3,
            number=number,
        )

        assert (page.number, page.paginator.num_pages, page.paginator.count) == (
            wanted.number,
            wanted.paginator.num_pages,
            wanted.paginator.count,
        )
        assert list(page.object_list) == list(wanted.object_list)
        if number in (None, "1"):
            assert bool(built) == (people > 3)  # counted only when a page does not hold all
