"""SCIM filters (RFC 7644 §3.4.2.2) as database queries.

scim2-models parses and checks a filter against the resource model; the common ones
directories send (userName eq, externalId eq, emails.value eq, displayName eq, members.value
eq, ranges on meta dates) become a Q here. Any other filter is answered by evaluating it on
each of the organisation's resources (ScimFilter.match), which is exact and slower.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Q
from scim2_models import InvalidFilterException
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)


class NotTranslated(Exception):  # a signal to fall back to matching, not an error
    pass


@dataclass(frozen=True)
class Column:
    lookup: str
    case_exact: bool = False
    kind: str = "text"  # text, uuid, bool, date, email


_TEXT_OPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
}
_RANGE_OPS = {
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


class ToQ(FilterVisitor[Q]):
    """Translate a filter tree over the columns given as {"attr" or "attr.sub": Column}."""

    def __init__(self, columns: dict[str, Column]):
        self.columns = {name.lower(): column for name, column in columns.items()}

    def _column(self, attr: str, sub_attr: str | None, uri: str | None) -> Column:
        name = f"{attr}.{sub_attr}" if sub_attr else attr
        column = self.columns.get(name.lower())
        if column is None:
            raise NotTranslated(name)
        return column

    def visit_comparison(self, node: Comparison) -> Q:
        if isinstance(node.value, str) and "\x00" in node.value:  # "\u0000" in the filter
            raise InvalidFilterException(detail="A filter value carries a NUL character.")
        path = node.attr_path
        column = self._column(path.attr, path.sub_attr, path.uri)
        value = node.value
        if column.kind == "uuid":
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise NotTranslated(str(node))
            try:
                value = uuid.UUID(str(value))
            except ValueError:
                q = Q(pk__in=[])  # no resource has an id that is not one
            else:
                q = Q(**{column.lookup: value})
        elif column.kind == "email":
            # The account's address, or any address the directory gave (kept as it sent it).
            if node.op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(
                value, str
            ):
                raise NotTranslated(str(node))
            stored, sent = column.lookup.split("|")
            q = Q(**{f"{stored}__iexact": value}) | Q(**{f"{sent}__contains": [{"value": value}]})
        elif column.kind == "bool":
            if node.op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(
                value, bool
            ):
                raise NotTranslated(str(node))
            q = Q(**{column.lookup: value})
        elif column.kind == "date":
            if node.op not in _RANGE_OPS or not isinstance(value, str):
                raise NotTranslated(str(node))
            q = Q(**{f"{column.lookup}__{_RANGE_OPS[node.op]}": value})
        else:
            if not isinstance(value, str):
                raise NotTranslated(str(node))
            op = CompareOperator.eq if node.op == CompareOperator.ne else node.op
            if op not in _TEXT_OPS:
                raise NotTranslated(str(node))
            lookup = _TEXT_OPS[op] if column.case_exact else "i" + _TEXT_OPS[op]
            q = Q(**{f"{column.lookup}__{lookup}": value})
        return ~q if node.op == CompareOperator.ne else q

    def visit_present(self, node: Present) -> Q:
        path = node.attr_path
        column = self._column(path.attr, path.sub_attr, path.uri)
        if column.kind != "text":
            raise NotTranslated(str(node))
        return Q(**{f"{column.lookup}__gt": ""})

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        q = self.visit(node.terms[0])
        for term in node.terms[1:]:
            q = (
                (q & self.visit(term))
                if node.op == LogicalOperator.and_
                else (q | self.visit(term))
            )
        return q

    def visit_value_path(self, node: ValuePath) -> Q:
        # members[value eq "…"] and emails[value eq "…"]: the same as members.value eq "…".
        inner = node.val_filter
        if isinstance(inner, Comparison) and inner.attr_path.sub_attr is None:
            path = inner.attr_path
            return self.visit_comparison(
                Comparison(
                    type(path)(node.attr_path.attr, path.attr, node.attr_path.uri),
                    inner.op,
                    inner.value,
                )
            )
        raise NotTranslated(str(node))
