"""Eligibility rules as data: the tree's form and its checks (schema.py), the fields a rule may
test (fields.py), its compilation to one SQL condition over the registry (compiler.py), and the
same rules evaluated for one person in Python, condition by condition (evaluate.py)."""
