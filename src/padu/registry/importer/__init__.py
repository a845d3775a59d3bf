"""The bulk import of registry files (docs/import-layout.md): `services.import_submit` stores and
checks an upload, `runner.import_run` (a background task) validates every row column-wise with
Polars, stages the valid rows and upserts them set-based in one transaction."""
