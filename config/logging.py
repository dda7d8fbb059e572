"""Logs never hold a whole NIK or phone number."""

import logging
import re

# 16 digits (a NIK or KK number), possibly typed with spaces, dots or dashes; and Indonesian mobile
# numbers (08…, 628…, +628…), 9 to 13 digits after the prefix.
NIK = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){15}(?!\d)")
PHONE = re.compile(r"(?<![\d+])(\+?62|0)(8\d)[\d\s\-]{6,11}(\d{2})(?!\d)")


def mask(text: str) -> str:
    text = NIK.sub(lambda m: _keep_ends("".join(filter(str.isdigit, m[0]))), text)
    return PHONE.sub(lambda m: f"{m[1]}{m[2]}******{m[3]}", text)


def _keep_ends(digits: str) -> str:
    return f"{digits[:4]}********{digits[-4:]}"


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        # The traceback too: a database error says "Key (nik)=(3214…) already exists". The formatter
        # prints exc_text when it is set, so it is set here, masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True
