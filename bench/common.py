"""What the peers share: file lookup and month arithmetic (no rules)."""
import datetime as dt
import os


def table_path(data, name):
    for ext in ("parquet", "csv"):
        p = os.path.join(data, f"{name}.{ext}")
        if os.path.exists(p):
            return p
    return None


def month_add(month, n):
    y, m = map(int, month.split("-"))
    k = y * 12 + (m - 1) + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def last_day(month):
    y, m = map(int, month.split("-"))
    return dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


def months_table(month, lo, hi):
    """(offset, 'YYYY-MM', last day) for offsets lo..=hi from `month`."""
    return [(o, month_add(month, o), last_day(month_add(month, o))) for o in range(lo, hi + 1)]
