"""The updates app's writes: making requests (requests.py), their evidence (evidence.py), their
events (events.py) and the named transitions of workflow.py (transitions.py)."""
