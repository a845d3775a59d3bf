"""Registry pages, one module per area: lists (and exports), families and people (their pages and
forms; `editing` and `history` hold what both share), imports, reference (PPKS categories)."""
