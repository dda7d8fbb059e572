from django import template

from accounts.phones import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(e164: str) -> str:
    return _mask_phone(e164)
