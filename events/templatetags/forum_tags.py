"""A forum's times as a person reads them, in the forum's zone."""

from django import template

from ..localtime import describe_range, describe_times, utc_offset, zone_name

register = template.Library()


@register.simple_tag
def time_range(start, end, zone):
    return describe_range(start, end, zone)


@register.simple_tag
def session_times(start, end, zone):
    return describe_times(start, end, zone)


@register.simple_tag
def zone_offset(value, zone):
    return utc_offset(value, zone)


@register.simple_tag
def zone_label(zone):
    return zone_name(zone)
