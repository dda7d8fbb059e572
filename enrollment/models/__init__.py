"""The enrollment app's models: the people (workers, heirs, erasures) and the enrollments themselves,
all importable from `enrollment.models`."""

from .choices import shown_status_choices
from .enrollments import (
    COVER_ENDED,
    MAX_INCOME,
    RENEW_WITHIN_DAYS,
    Enrollment,
    EnrollmentQuerySet,
    add_months,
    open_renewals_of,
    overlap_q,
    overlapping_others,
    shown_status,
)
from .people import Erasure, Heir, HeirQuerySet, Worker

__all__ = [
    "COVER_ENDED",
    "MAX_INCOME",
    "RENEW_WITHIN_DAYS",
    "Enrollment",
    "EnrollmentQuerySet",
    "Erasure",
    "Heir",
    "HeirQuerySet",
    "Worker",
    "add_months",
    "open_renewals_of",
    "overlap_q",
    "overlapping_others",
    "shown_status",
    "shown_status_choices",
]
