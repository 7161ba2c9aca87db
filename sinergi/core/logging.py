"""A logging filter that masks identifiers that look like personal data.

Code must not log personal data in the first place; this is the safety net for a stray message or a third-party
library that logs a request body. It masks 16-digit NIK-like numbers, phone numbers and e-mail addresses.
"""

import logging
import re

_PATTERNS = [
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?<![\w@])(?:\+?62|0)8\d{7,12}(?!\d)"), "[PHONE]"),
    (re.compile(r"(?<!\d)\+\d{8,15}(?!\d)"), "[PHONE]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[EMAIL]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not break the request
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
