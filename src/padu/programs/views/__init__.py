"""The programs pages: the catalogue with its rules editor (catalogue.py), and cohorts with their
targeting, candidates and a person's explanation (cohorts.py)."""
