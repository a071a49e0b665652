"""The import pipeline: read → split front matter → parse → validate → store.

`parse` and `validate` are pure (no Django); `upsert` stores records (writing rows through
`rows`); `runner` walks paths, hashes, batches, locks and records the ImportRun. The command and
the admin upload both call the runner. For export, `export_read` reads records back from the
database and `write` turns them into files.
"""
