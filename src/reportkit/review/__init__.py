"""``reportkit review``: the review page on a local server, where corrections go to the overrides file.

:mod:`reportkit.review.target` finds the index, its files and its overrides file; :mod:`.edits` turns a change
into overrides entries; :mod:`.server` serves the page and takes the changes.
"""
