"""The programs app's writes, by seam: the catalogue and its compatibility table
(catalogue.py), rule versions (rules.py), cohorts, their targeting run and the waiting list
(cohorts.py). Each checks the capability, locks, bumps the version, saves and audits."""
