"""Months as the analytics pages use them: a month is its first day (a `date`)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    out, month = [], month_of(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def start_of(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


def parse_month(text: str | None) -> date | None:
    """ "2026-05" -> date(2026, 5, 1); None for anything else."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None
    except ValueError:
        return None


def this_month() -> date:
    return month_of(timezone.localdate())
