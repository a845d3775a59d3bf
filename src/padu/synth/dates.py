"""Days as integers since 1970-01-01 (numpy), and the day the synthetic population is observed."""

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
# The day the synthetic population is "observed" (ages are computed against it); fixed so that a
# seed always gives the same file, whatever day it is run.
REFERENCE_DATE = np.datetime64("2025-10-01", "D")
REF = int((REFERENCE_DATE - EPOCH).astype(np.int64))
YEAR = 365.25


def date_parts(days: np.ndarray):
    """(year, month, day) int arrays from day numbers since 1970-01-01."""
    d = EPOCH + days.astype("timedelta64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months).astype(np.int64) + 1
    return year, month, day
