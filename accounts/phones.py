"""Mobile numbers: stored in E.164 (+6281234567890), shown masked unless the full number is needed."""

from lokal import parse_phone


def normalize_phone(raw: str) -> str | None:
    """E.164 for a valid Indonesian number, else None."""
    info = parse_phone(raw)
    return info.e164 if info.valid else None


def national_phone(e164: str) -> str:
    """0812-3456-7890, as Indonesians write and dial a number; the stored value if lokal cannot read it."""
    if not e164:
        return ""
    info = parse_phone(e164)
    return info.national if info.valid and info.national else e164


def mask_phone(e164: str) -> str:
    """0812****7890: enough to recognise a number, not enough to call it."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+62") else e164
    if len(national) < 8:
        return "*" * len(national)
    return national[:4] + "*" * (len(national) - 8) + national[-4:]
