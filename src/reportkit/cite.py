"""The one place page citations are formatted."""

from __future__ import annotations


def pages(first: int, last: int) -> str:
    """``p. 4`` or ``pp. 4–6`` (1-based bundle pages)."""
    return f"p. {first}" if first == last else f"pp. {first}–{last}"


def page_range(first: int, last: int) -> str:
    """``4`` or ``4-6``, for tables and CSV."""
    return str(first) if first == last else f"{first}-{last}"
