"""The enrollment pages, one module per journey; urls.py names them from here."""

from .changes import (
    enrollment_activate,
    enrollment_cancel,
    enrollment_card,
    enrollment_edit,
    enrollment_erase,
    enrollment_reject,
    enrollment_reminders,
    enrollment_verify,
    quota_promote,
)
from .entry import enrollment_create, nik_check, quota_picker
from .lists import enrollment_detail, enrollment_list
from .renewal import enrollment_renew, expiring_list, renew_bulk
from .review import review_bulk, review_queue

__all__ = [
    "enrollment_activate",
    "enrollment_cancel",
    "enrollment_card",
    "enrollment_create",
    "enrollment_detail",
    "enrollment_edit",
    "enrollment_erase",
    "enrollment_list",
    "enrollment_reject",
    "enrollment_reminders",
    "enrollment_renew",
    "enrollment_verify",
    "expiring_list",
    "nik_check",
    "quota_picker",
    "quota_promote",
    "renew_bulk",
    "review_bulk",
    "review_queue",
]
