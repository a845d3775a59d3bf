"""Serial numbers for NIK and KK: ``PPKKCC DDMMYY SSSS``, unique across the whole file.

Serials are handed out in file order per (prefix, DDMMYY) — for a NIK the day carries +40 for
women — starting at 0001, so the same seed always yields the same numbers. When a (prefix, date)
runs out of serials (more than ``max_serial`` people), the date moves to a nearby day (+1, −1, +2,
−2, …) and the caller is told, so that a person's birth date can move with the NIK.
"""

import numpy as np

from .dates import date_parts


class SerialAllocator:
    def __init__(self, n_prefixes: int, max_serial: int = 9999):
        self.max_serial = max_serial
        # (prefix, YY, MM, DD-code 1..71) → serials used so far
        self.used = np.zeros(n_prefixes * 100 * 12 * 72, dtype=np.int16)

    def _keys(self, prefix_idx, days, female):
        year, month, day = date_parts(days)
        dd = day + np.where(female, 40, 0)
        return ((prefix_idx.astype(np.int64) * 100 + year % 100) * 12 + (month - 1)) * 72 + dd

    def allocate(self, prefix_idx, days, female):
        """Serials for each row, and the (possibly shifted) days they were allocated on."""
        prefix_idx = np.asarray(prefix_idx, dtype=np.int64)
        days = np.asarray(days, dtype=np.int64).copy()
        female = np.asarray(female, dtype=bool)
        serial = np.zeros(len(days), dtype=np.int64)
        todo = np.arange(len(days))
        attempt = 0
        while len(todo):
            keys = self._keys(prefix_idx[todo], days[todo], female[todo])
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
            group_start = np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = np.arange(len(keys)) - group_start
            candidate = self.used[keys].astype(np.int64) + rank + 1
            ok = candidate <= self.max_serial
            serial[todo[ok]] = candidate[ok]
            uniq, counts = np.unique(keys, return_counts=True)
            self.used[uniq] = np.minimum(self.used[uniq].astype(np.int64) + counts, self.max_serial)
            todo = todo[~ok]
            attempt += 1
            # +1, -1, +2, -2, ... days from the original date
            step = (attempt + 1) // 2 * (1 if attempt % 2 else -1)
            prev = (attempt) // 2 * (1 if (attempt - 1) % 2 else -1) if attempt > 1 else 0
            days[todo] += step - prev
        return serial, days


def compose_number(prefix, days, female, serial):
    """16-digit numbers as int64: prefix(6) DD(+40) MM YY serial(4)."""
    year, month, day = date_parts(np.asarray(days, dtype=np.int64))
    dd = day + np.where(female, 40, 0)
    return (
        np.asarray(prefix, dtype=np.int64) * 10**10
        + dd * 10**8
        + month * 10**6
        + (year % 100) * 10**4
        + np.asarray(serial, dtype=np.int64)
    )
