"""The order of reportkit's stages: a module imports only from its own stage or the ones before it.

Each row names the top-level modules and packages of ``reportkit`` that form one stage; ``tests/test_imports.py``
fails on an import that reaches a later stage, on an import cycle, and on a module no row names. A lower
stage that needs something of a higher one takes it as a parameter (``packet.build.make_packet`` is given
the indexer by ``api``) or by a task name the worker pool resolves (the reading task, ``workers.TASKS``).
"""

from __future__ import annotations

STAGES: tuple[tuple[str, ...], ...] = (
    # the base: versions, errors, the data model, citations, file locks and atomic publishing, scoring
    ("reportkit", "stages", "version", "errors", "models", "cite", "locks", "publish", "evaluate"),
    ("workers",),  # the limited process pool
    ("ingest",),  # PDFs in: text, OCR, the caches, the searchable copy
    ("understand", "overrides"),  # pages -> documents: splitting, typing, dates, people, a reviewer's corrections
    ("index", "draftfiles"),  # documents -> the index files; what a draft folder holds
    ("packet",),  # Bates-stamped exhibits
    ("indexer",),  # an index run's options; reading, understanding and rendering a bundle
    ("api",),  # the library API: caches, locks and writing around the indexer; packets; search
    ("draft",),  # reports and letters
    ("citecheck",),  # a report's record citations checked against the index
    ("compare",),  # per topic, what the treating records and the IMEs say, verbatim and cited
    ("review",),  # the review page on a local server: corrections to the overrides file
    ("batch",),  # many cases
    ("commands", "cli", "__main__"),  # the command line: the commands, then the app that lists them
)
