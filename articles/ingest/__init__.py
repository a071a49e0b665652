"""The import pipeline: read → split front matter → parse → validate → store.

`parse` and `validate` are pure (no Django); `store` writes records; `runner` walks paths, hashes,
batches, locks and records the ImportRun. The command and the admin upload both call the runner.
"""
