"""Parsers of single cells and values as HR writes them: dates, yes/no words, lists, fractions."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from roster.input_messages import T

TRUE_WORDS = {"yes", "y", "true", "t", "1", "có", "co", "x"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "không", "khong"}
BOOL_ALLOWED = T("allowed.bool")
DATE_ALLOWED = T("allowed.date")
STAFF_ALLOWED = T("allowed.staff")
LIST_SEPARATORS = re.compile(r"[;,]")

BAD = object()  # a cell that could not be parsed (its issue is already recorded)
# Small parsers
# ============================================================================================


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_date(text: Any) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (optionally followed by ``00:00:00``, as Excel dates read as
    text are) or ``DD/MM/YYYY``; None when the text is not a date."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if not m:
            return None
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def parse_bool(text: str) -> bool | None:
    """True/False from a yes/no word; None when it is not one."""
    s = text.strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    return None


def split_list(text: str) -> list[str]:
    out: list[str] = []
    for part in LIST_SEPARATORS.split(text):
        part = nfc(part)
        if part and part not in out:
            out.append(part)
    return out


# ============================================================================================
