"""``reportkit review``: the review page on a local server, where corrections go to the overrides file."""

from reportkit.review.server import Review, Server
from reportkit.review.target import Target, open_target

__all__ = ["Review", "Server", "Target", "open_target"]
