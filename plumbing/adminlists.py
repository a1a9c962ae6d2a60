"""Admin lists take only their own filters and their documented search.

Django lets a list filter by any lookup on the model's own fields named in
the query string (`?email__startswith=`, `?name__regex=`): unindexed at a
million rows, and a way around what the list shows. Here a list accepts the
parameters of its own filters and date hierarchy, nothing else (Django then
answers 400, as it does for a lookup it refuses). A value the database cannot
take (an id past 64 bits, a year it cannot store) gives the list again with
Django's "invalid" flag, or "not found" for one row, never a 500."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path
from django.db import DataError
from django.db.models import DateField


class OwnFiltersOnly:
    def own_filter_parameters(self):
        allowed = set()
        if self.date_hierarchy:
            allowed |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        for entry in self.list_filter:
            if isinstance(entry, (tuple, list)):
                entry = entry[0]
            if not isinstance(entry, str):
                allowed.add(entry.parameter_name)
                continue
            field = get_fields_from_path(self.model, entry)[-1]
            allowed |= {f"{entry}__exact", f"{entry}__isnull"}
            if field.is_relation:
                allowed.add(f"{entry}__{field.target_field.name}__exact")
            if isinstance(field, DateField):  # DateTimeField too
                allowed |= {f"{entry}__gte", f"{entry}__lt"}
        return allowed

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.own_filter_parameters()

    def get_changelist_instance(self, request):
        # Requests run in autocommit: a value the database refuses (DataError)
        # leaves nothing to roll back.
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError, DataError) as error:  # year 9999 has no next year
            raise IncorrectLookupParameters(error) from error

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except (OverflowError, DataError):
            return None
