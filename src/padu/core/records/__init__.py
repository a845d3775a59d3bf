"""Record declarations: each record's fields written once, with everything derived from them
(`record`: fields and Python validation; `kinds`: how values are read and checked; `bulk`: the
same rules in Polars for whole files; `layout`: file columns; `derive`: model fields, form fields,
API types and document text). Domain apps declare their records with these (registry.declarations).
"""

from .record import Cleaned, Field, Record, RecordCheck, Sensitivity

__all__ = ["Cleaned", "Field", "Record", "RecordCheck", "Sensitivity"]
