from django import template

from accounts.phones import mask_phone as _mask_phone
from accounts.phones import national_phone as _national_phone
from enrollment.nik import mask_kpj as _mask_kpj
from enrollment.nik import mask_nik as _mask_nik

# Here, in the app that owns NIK and KPJ, not in accounts: accounts is a floor below enrollment.

register = template.Library()


@register.filter
def mask_phone(e164: str) -> str:
    return _mask_phone(e164)


@register.filter
def national_phone(e164: str) -> str:
    return _national_phone(e164)


@register.filter
def mask_nik(nik: str) -> str:
    return _mask_nik(nik)


@register.filter
def mask_kpj(kpj: str) -> str:
    return _mask_kpj(kpj)
