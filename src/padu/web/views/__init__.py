"""Pages that show several domains at once, one module per page: home (the home page and the
language switch), audit (the audit trail and its download), regions (the region browser with the
registry's counts)."""
