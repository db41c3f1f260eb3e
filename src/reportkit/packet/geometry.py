"""Where a stamp goes on a page: pure geometry, no PDF library.

Coordinates: *user space* is the page's PDF coordinate system (what MediaBox, CropBox and text boxes are
given in; it need not start at 0,0). *Display space* is the page as a viewer shows it: the visible box
(CropBox ∩ MediaBox) turned by ``/Rotate`` degrees clockwise, with its origin at the lower-left of what the
reader sees. Stamps are planned in display space (so "lower-right" means the reader's lower-right and the
text reads upright) and written in user space through :func:`display_to_user`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

POSITIONS = ("lower-right", "lower-left", "lower-center", "upper-right", "upper-left", "upper-center")
"""Stamp positions, in the order tried after the one asked for (the foot of the page first, where readers look
for a Bates number)."""


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle (x0 <= x1, y0 <= y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def intersects(self, other: Rect, pad: float = 0.0) -> bool:
        return not (
            other.x1 <= self.x0 - pad
            or other.x0 >= self.x1 + pad
            or other.y1 <= self.y0 - pad
            or other.y0 >= self.y1 + pad
        )

    def contains(self, other: Rect, tolerance: float = 0.01) -> bool:
        return (
            other.x0 >= self.x0 - tolerance
            and other.y0 >= self.y0 - tolerance
            and other.x1 <= self.x1 + tolerance
            and other.y1 <= self.y1 + tolerance
        )


def rect(values: Sequence[float]) -> Rect:
    """A Rect from a PDF box array ``[x0 y0 x1 y1]`` given in any corner order."""
    a, b, c, d = (float(v) for v in values[:4])
    return Rect(min(a, c), min(b, d), max(a, c), max(b, d))


def visible_box(media: Rect, crop: Rect | None) -> Rect:
    """What a viewer shows: the CropBox clipped to the MediaBox (the MediaBox when they do not overlap)."""
    if crop is None:
        return media
    box = Rect(max(media.x0, crop.x0), max(media.y0, crop.y0), min(media.x1, crop.x1), min(media.y1, crop.y1))
    return box if box.width > 0 and box.height > 0 else media


def normalise_rotation(value: float) -> int:
    """``/Rotate`` as 0, 90, 180 or 270 (the spec wants a multiple of 90; others are rounded, as viewers do)."""
    return (round(value / 90) * 90) % 360


def display_size(box: Rect, rotation: int) -> tuple[float, float]:
    """Width and height of the page as the reader sees it."""
    return (box.height, box.width) if rotation in (90, 270) else (box.width, box.height)


Matrix = tuple[float, float, float, float, float, float]


def display_to_user(box: Rect, rotation: int) -> Matrix:
    """The PDF ``cm`` matrix (a b c d e f) that maps display coordinates to user space."""
    if rotation == 90:
        return (0.0, 1.0, -1.0, 0.0, box.x1, box.y0)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, -1.0, box.x1, box.y1)
    if rotation == 270:
        return (0.0, -1.0, 1.0, 0.0, box.x0, box.y1)
    return (1.0, 0.0, 0.0, 1.0, box.x0, box.y0)


def user_to_display(r: Rect, box: Rect, rotation: int) -> Rect:
    """A user-space rectangle (a text box) in display coordinates."""
    if rotation == 90:
        return Rect(r.y0 - box.y0, box.x1 - r.x1, r.y1 - box.y0, box.x1 - r.x0)
    if rotation == 180:
        return Rect(box.x1 - r.x1, box.y1 - r.y1, box.x1 - r.x0, box.y1 - r.y0)
    if rotation == 270:
        return Rect(box.y1 - r.y1, r.x0 - box.x0, box.y1 - r.y0, r.x1 - box.x0)
    return Rect(r.x0 - box.x0, r.y0 - box.y0, r.x1 - box.x0, r.y1 - box.y0)


def display_to_user_rect(r: Rect, box: Rect, rotation: int) -> Rect:
    """A display-space rectangle back in user space."""
    a, b, c, d, e, f = display_to_user(box, rotation)
    xs = [a * u + c * v + e for u in (r.x0, r.x1) for v in (r.y0, r.y1)]
    ys = [b * u + d * v + f for u in (r.x0, r.x1) for v in (r.y0, r.y1)]
    return Rect(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Placement:
    """Where one stamp goes, in display coordinates."""

    position: str
    """The position used (one of POSITIONS)."""
    area: Rect
    """The stamp's rectangle in display space."""
    font_size: float
    """The font size used (smaller than asked only on a page too small for the stamp)."""
    clear: bool
    """False when every position had text in it (the stamp went to the position asked for anyway)."""


def _slot(position: str, width: float, height: float, page_w: float, page_h: float, margin: float) -> Rect:
    vertical, _, horizontal = position.partition("-")
    if horizontal == "right":
        u0 = page_w - margin - width
    elif horizontal == "left":
        u0 = margin
    else:
        u0 = (page_w - width) / 2
    v0 = margin if vertical == "lower" else page_h - margin - height
    return Rect(u0, v0, u0 + width, v0 + height)


def place(
    box: Rect,
    rotation: int,
    size: tuple[float, float],
    occupied: Sequence[Rect],
    *,
    position: str = "lower-right",
    margin: float = 18.0,
    font_size: float = 10.0,
    pad: float = 1.0,
    order: Sequence[str] = POSITIONS,
) -> Placement:
    """Choose where a stamp of ``size`` (display width, height at ``font_size``) goes on the page.

    ``occupied`` are display-space rectangles to keep clear (text boxes, earlier stamps). The asked-for
    position is tried first, then the others in ``order``, each at ``margin`` and then closer to the edge
    (a third of it); the first clear one wins. A page too small for the stamp gets a smaller font. The stamp
    always lies inside the visible box.
    """
    page_w, page_h = display_size(box, rotation)
    width, height = size
    scale = 1.0
    # Too small a page: shrink the stamp (and the margin) until it fits.
    margin = min(margin, page_w / 8, page_h / 8)
    if width + 2 * margin > page_w or height + 2 * margin > page_h:
        scale = min((page_w - 2 * margin) / width, (page_h - 2 * margin) / height)
    width, height = width * scale, height * scale
    order = [position, *(p for p in order if p != position)]
    margins = [margin, margin / 3] if margin > 0 else [0.0]
    for candidate in order:
        for m in margins:  # the same corner closer to the edge before another corner
            area = _slot(candidate, width, height, page_w, page_h, m)
            if not any(area.intersects(o, pad) for o in occupied):
                return Placement(candidate, area, font_size * scale, True)
    return Placement(position, _slot(position, width, height, page_w, page_h, margin), font_size * scale, False)
