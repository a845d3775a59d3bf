"""The programs app's writes, by seam: the catalogue and its compatibility table
(catalogue.py), rule versions (rules.py), cohorts, their targeting run and the waiting list
(cohorts.py); then the beneficiaries' transitions (lifecycle.py), field checks
(field_checks.py), decrees (decrees.py), benefits and their proofs (benefits.py, proofs.py),
groups (groups.py) and training (training.py). Each checks the capability, locks, bumps the
version, saves and audits."""
