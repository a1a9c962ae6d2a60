"""What staff take away or page through at scale: streamed CSV (headers from
the model's verbose names, readable values), and changelists whose every
query is an index lookup at a million rows: the date hierarchy from the
first and last date, a count that stops at COUNT_CAP, a filter's choices
found one index seek each."""

import csv
import functools
import itertools
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property


class _Echo:
    """A file-like object whose write returns the line, for streaming CSV."""

    def write(self, value):
        return value


def stream_csv(rows, *, header, filename):
    """A streamed CSV, UTF-8 with a byte-order mark so spreadsheets read
    Cyrillic right; memory does not grow with the number of rows."""
    writer = csv.writer(_Echo())
    lines = itertools.chain([writer.writerow(header)], (writer.writerow(row) for row in rows))
    body = itertools.chain(["\ufeff"], lines)
    response = StreamingHttpResponse((part.encode("utf-8") for part in body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A spreadsheet takes a cell that starts with one of these for a formula
# (OWASP, "CSV injection"): such a cell is exported after a single quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    value = str(value)
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _cell(obj, name, computed, zone):
    """A field's value as a person reads it: the label of a choice, the name
    of a related row, a list joined with commas, a time in the forum's own
    zone to the second; and never a formula."""
    if name in computed:
        value = computed[name](obj)
    elif obj._meta.get_field(name).choices:
        value = getattr(obj, f"get_{name}_display")()
    else:
        value = getattr(obj, name)
    if isinstance(value, datetime):
        value = timezone.localtime(value, zone(obj)).strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, list):
        value = ", ".join(map(str, value))
    return "" if value is None else neutralise(value)


def csv_export_response(queryset, *, fields, name, zone, computed=None, related=()):
    """The selection as a streamed CSV, read from the database in chunks: one
    column per field, headed by its verbose name; times in `zone(obj)`."""
    model, computed = queryset.model, computed or {}
    header = [str(model._meta.get_field(field).verbose_name) for field in fields]
    objects = queryset.select_related(*related).order_by("pk").iterator(chunk_size=2000)
    rows = ([_cell(obj, field, computed, zone) for field in fields] for obj in objects)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return stream_csv(rows, header=header, filename=f"{name}-{stamp}.csv")


def date_bounds(queryset, field_name):
    """The first and last value of an indexed column: two ordered lookups of
    one row each. (A single MIN/MAX aggregate under a WHERE makes SQLite read
    every row: 200 ms at a million.)"""
    values = queryset.values_list(field_name, flat=True)
    return {"first": values.order_by(field_name).first(), "last": values.order_by(f"-{field_name}").first()}


def _span_datetimes(queryset, field_name, kind, order="ASC", tzinfo=None):
    """The date hierarchy's years, months or days, from the first and last
    value (two index lookups) rather than a scan that truncates every row's
    date: at 100,000 rows on SQLite that scan takes half a second. A month
    in the span with no rows is listed too; choosing it shows none."""
    bounds = date_bounds(queryset, field_name)
    if bounds["first"] is None:
        return []
    zone = tzinfo or timezone.get_current_timezone()
    first, last = timezone.localtime(bounds["first"], zone), timezone.localtime(bounds["last"], zone)
    values = []
    if kind == "year":
        values = [datetime(year, 1, 1, tzinfo=zone) for year in range(first.year, last.year + 1)]
    elif kind == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            values.append(datetime(year, month, 1, tzinfo=zone))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        day = first.date()
        while day <= last.date():
            values.append(datetime(day.year, day.month, day.day, tzinfo=zone))
            day += timedelta(days=1)
    return values if order == "ASC" else values[::-1]


def _is_span(aggregates):
    """Django's date hierarchy asks aggregate(first=Min(f), last=Max(f))."""
    first, last = aggregates.get("first"), aggregates.get("last")
    return (
        set(aggregates) == {"first", "last"}
        and type(first) is Min
        and type(last) is Max
        and first.source_expressions[0].deconstruct() == last.source_expressions[0].deconstruct()
        and hasattr(first.source_expressions[0], "name")
    )


@functools.cache
def with_date_spans(queryset_class):
    """The queryset class with the cheap date hierarchy: its dates, and its
    first and last date, from two index lookups."""

    def aggregate(queryset, *args, **kwargs):
        if not args and _is_span(kwargs):
            return date_bounds(queryset, kwargs["first"].source_expressions[0].name)
        return queryset_class.aggregate(queryset, *args, **kwargs)

    return type(
        f"DateSpan{queryset_class.__name__}", (queryset_class,), {"datetimes": _span_datetimes, "aggregate": aggregate}
    )


def distinct_values(queryset, field_name):
    """The distinct values of an indexed column in order, each found by one
    index seek past the one before (a loose index scan): k values cost k+1
    lookups, where DISTINCT reads every row."""
    values = queryset.order_by(field_name).values_list(field_name, flat=True)
    found, current = [], values.first()
    while current is not None:
        found.append(current)
        current = values.filter(**{f"{field_name}__gt": current}).first()
    return found


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts the rows up to COUNT_CAP, reading at most COUNT_CAP + 1 index
    entries; past that the list is `capped`, the count is COUNT_CAP and the
    pages end there (a filter, the date or a search narrows the list)."""

    cap = COUNT_CAP

    @classmethod
    def cap_shown(cls):
        """The cap as the reader's language writes it (10,000; 10 000)."""
        return number_format(cls.cap, force_grouping=True)

    @cached_property
    def _counted(self):
        # In the list's own order: the count walks the index the page is read
        # from, not some covering index end to end.
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self):
        return self._counted > self.cap

    @cached_property
    def count(self):
        return min(self._counted, self.cap)


class UnorderedCountPaginator(CappedPaginator):
    """For what a search found through a subquery (`id IN (…)`): counted
    without the list's order, so the database starts from the few rows found
    (an index lookup each) instead of walking the whole list in its order and
    testing each row; the page itself is still read in order."""

    @cached_property
    def _counted(self):
        return self.object_list.order_by()[: self.cap + 1].count()
