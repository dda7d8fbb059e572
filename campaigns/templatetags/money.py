from django import template

from config import formatting

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """Rp25.000.000.000 in Indonesian, Rp25,000,000,000 in English."""
    return "" if amount is None else formatting.rupiah(amount)


@register.filter
def percent_of(part, whole) -> int:
    return round(100 * (part or 0) / whole) if whole else 0


@register.filter
def num(value) -> str:
    """12.345 in Indonesian, 12,345 in English: grouped digits in the active language."""
    return "" if value is None else formatting.grouped(value)


@register.filter
def capped(value, cap) -> str:
    """1.000+ past the cap a count stops at (dashboards.home.COUNT_CAP), else the grouped number."""
    return f"{formatting.grouped(cap)}+" if value > cap else formatting.grouped(value)
