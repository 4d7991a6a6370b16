"""Pages of a list that mostly fits on one page, without the paginator's count when it does."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(objects: QuerySet, per_page: int, number: str | None) -> Page:
    """Paginator(objects, per_page).get_page(number), the same page, in one query fewer when
    the first page is asked for (as most people see it): one row more than a page is read, and
    when they fit, that is every row there is and nothing needs counting. A longer list is
    counted as before, and a later page asked for is counted and read as before."""
    paginator = Paginator(objects, per_page)
    if number not in (None, "1"):
        return paginator.get_page(number)
    first = list(objects[: per_page + 1])
    if len(first) <= per_page:
        paginator.count = len(first)  # a cached_property: what it would have counted
    return Page(first[:per_page], 1, paginator)


def page_of_first(
    *,
    first: Callable[[int], list],
    objects: Callable[[], QuerySet],
    per_page: int,
    number: str | None,
) -> Page:
    """page_of for a list whose first rows `first(n)` reads in a query compiled once (see
    mentoring.prepared), and whose queryset `objects()` is built only when it is needed: for a
    later page, or to count a first page that does not hold every row."""
    if number not in (None, "1"):
        return Paginator(objects(), per_page).get_page(number)
    rows = first(per_page + 1)
    if len(rows) <= per_page:  # every row there is: nothing to count, no queryset needed
        return Page(rows, 1, Paginator(rows, per_page))
    return Page(rows[:per_page], 1, Paginator(objects(), per_page))
