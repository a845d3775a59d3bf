"""The bulk import of registry files (docs/import-layout.md): `services.import_submit` (or, from the
upload page, `sources.import_receive` and `sources.import_confirm`, with the column mapping of a
file from another source, `mapping`) stores and checks an upload, `runner.import_run` (a
background task) validates every row column-wise with Polars, stages the valid rows and upserts
them set-based in one transaction."""
