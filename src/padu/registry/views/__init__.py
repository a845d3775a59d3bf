"""Registry pages, one module per area: lists (and exports), records (family/person pages and
forms), imports, reference (PPKS categories)."""
