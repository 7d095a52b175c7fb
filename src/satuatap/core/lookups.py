"""Integer lookups that a number beyond the column's range cannot crash.

Django (5.0+) answers `filter(pk=99999999999999999999)` with an empty result on every engine,
but not `filter(pk__in=[…])`, nor a lookup through a foreign key (`filter(person_id=…)`,
`filter(case__in=…)`): on SQLite those raise `OverflowError` ("Python int too large to convert
to SQLite INTEGER") and the request that passed an id from a URL, a form or the API ends in a
500 whose traceback holds whatever the view had loaded. Registered once (`CoreConfig.ready`),
these lookups treat a value no row can hold like Django's own `IntegerFieldOverflow` does:
`=` and `IN` match nothing for it, `<`/`>` match everything or nothing.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import ForeignKey, IntegerField
from django.db.models.expressions import ColPairs  # type: ignore[attr-defined]  # Django 5.2, not in the stubs yet
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import In


def _range(lookup, connection) -> tuple[int | None, int | None] | None:
    """The range of the integer column the lookup compares with (a foreign key's target
    column for a relation), or None when it is not an integer column."""
    if isinstance(lookup.lhs, ColPairs):
        return None
    field = getattr(lookup.lhs, "output_field", None)
    if field is not None and field.is_relation:
        field = getattr(field, "target_field", None)
    if not isinstance(field, IntegerField):
        return None
    return connection.ops.integer_field_range(field.get_internal_type())


def _fits(value, bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        return True  # not a plain number: left to the database (an expression, a subquery…)
    return (low is None or value >= low) and (high is None or value <= high)


class _OneValueInRange:
    """Like django.db.models.lookups.IntegerFieldOverflow, on the related column's range."""

    underflow_exception: type[EmptyResultSet | FullResultSet] = EmptyResultSet
    overflow_exception: type[EmptyResultSet | FullResultSet] = EmptyResultSet

    def process_rhs(self, compiler, connection):
        bounds = _range(self, connection)
        if bounds is not None and isinstance(self.rhs, int) and not _fits(self.rhs, bounds):
            if bounds[0] is not None and self.rhs < bounds[0]:
                raise self.underflow_exception
            raise self.overflow_exception
        return super().process_rhs(compiler, connection)


class _ValuesInRange:
    """`IN (…)` without the values no row can hold; nothing left matches nothing."""

    def batch_process_rhs(self, compiler, connection, rhs=None):
        bounds = _range(self, connection)
        if bounds is not None and rhs is not None:
            rhs = [value for value in rhs if _fits(value, bounds)]
            if not rhs:
                raise EmptyResultSet
        return super().batch_process_rhs(compiler, connection, rhs)


class IntegerIn(_ValuesInRange, In):
    pass


class BoundedRelatedIn(_ValuesInRange, RelatedIn):
    pass


class BoundedRelatedExact(_OneValueInRange, RelatedExact):
    pass


class BoundedRelatedGreaterThan(_OneValueInRange, RelatedGreaterThan):
    underflow_exception = FullResultSet


class BoundedRelatedGreaterThanOrEqual(_OneValueInRange, RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


class BoundedRelatedLessThan(_OneValueInRange, RelatedLessThan):
    overflow_exception = FullResultSet


class BoundedRelatedLessThanOrEqual(_OneValueInRange, RelatedLessThanOrEqual):
    overflow_exception = FullResultSet


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    for lookup in (
        BoundedRelatedIn,
        BoundedRelatedExact,
        BoundedRelatedGreaterThan,
        BoundedRelatedGreaterThanOrEqual,
        BoundedRelatedLessThan,
        BoundedRelatedLessThanOrEqual,
    ):
        ForeignKey.register_lookup(lookup)
