"""The one place page citations are formatted."""

from __future__ import annotations


def pages(first: int, last: int) -> str:
    """``p. 4`` or ``pp. 4–6`` (1-based bundle pages)."""
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def page_range(first: int, last: int) -> str:
    """``4`` or ``4-6``, for tables and CSV."""
    return str(first) if first == last else f"{first}-{last}"


def bates(first: str, last: str) -> str:
    """``SMITH0000012`` or ``SMITH0000012-SMITH0000014``: a Bates citation, as legal teams write it."""
    return first if first == last else f"{first}-{last}"


def bates_pages(lookup: dict[int, str], first: int, last: int) -> str | None:
    """The Bates citation of bundle pages ``first``..``last`` from ``lookup`` (bundle page → Bates number),
    or None when a page of the range was not produced (not in the Bates map)."""
    if first not in lookup or last not in lookup:
        return None
    return bates(lookup[first], lookup[last])
