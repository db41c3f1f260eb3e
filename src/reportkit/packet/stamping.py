"""Stamping: each planned page placed, Bates-numbered and stickered into exhibit and combined PDFs, with
bookmarks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reportkit import cite
from reportkit.errors import (
    InputError,
)
from reportkit.models import RecordIndex
from reportkit.packet import geometry
from reportkit.packet.checks import same_pages, write_problem
from reportkit.packet.exhibits import (
    Plan,
    PlannedPage,
)
from reportkit.packet.options import IN_PROCESS_PAGES, STICKER_FONT, STICKER_ORDER, TOOL, PacketOptions, size_text
from reportkit.packet.pdf import (
    Bookmark,
    OpenedPdf,
    OutputPdf,
    PdfWriteProblem,
    Stamper,
    StampItem,
    TextBoxes,
    text_width,
)


def _doc_title(doc: Any, first: str, last: str) -> str:
    """A document's bookmark: ``2024-02-06 imaging, Arjun Mehta, MD (SMITH0000012)``."""

    who = doc.provider or doc.facility
    text = f"{doc.date or 'undated'} {doc.doc_type.replace('_', ' ')}" + (f", {who}" if who else "")
    return f"{text} ({cite.bates(first, last)})"


class Builder:
    def __init__(self, options: PacketOptions, index: RecordIndex, the_plan: Plan, title: str) -> None:
        self.options = options
        self.index = index
        self.plan = the_plan
        self.title = title
        self.warnings: list[str] = []
        self.sources: list[OpenedPdf] = []
        self.passwords: list[str | None] = []
        self._by_exhibit: dict[int, list[PlannedPage]] = {}
        self.crowded: list[str] = []
        """Bates numbers whose stamp could not avoid text (every position had text)."""

    def open_sources(self) -> None:
        from reportkit.packet.pdf import has_stamps, open_pdf

        for source in self.index.sources:
            path = Path(source.path)
            try:
                pdf, password = open_pdf(path, self.options.passwords)
            except PdfWriteProblem as exc:
                raise write_problem(path, exc) from None
            if has_stamps(pdf):
                raise InputError(
                    f"{path}: this file already carries reportkit Bates stamps; stamping it again would give its "
                    "pages two numbers.",
                    hint="Produce the original (unstamped) records, or cite the numbers already on this file.",
                )
            self.sources.append(OpenedPdf(same_pages(pdf, source.page_count, path)))
            self.passwords.append(password)

    def stamp(self) -> None:
        from reportkit.packet.pdf import page_boxes

        opts = self.options
        first_pages = {e.first.number for e in self.plan.exhibits}
        exhibit_of = {p.bates.number: p.exhibit for p in self.plan.pages}
        stampers = [Stamper(source) for source in self.sources]
        boxes_by_source = self._text_boxes()
        crowded: list[str] = []
        for planned in self.plan.pages:
            page = self.sources[planned.source].pages[planned.source_page - 1]
            media, crop, rotate = page_boxes(page)
            box = geometry.visible_box(media, crop)
            rotation = geometry.normalise_rotation(rotate)
            text = [
                geometry.user_to_display(geometry.Rect(*r), box, rotation)
                for r in boxes_by_source[planned.source][planned.source_page - 1]
            ]
            label = str(planned.bates)
            size = (text_width(label, opts.font_size) + 4, opts.font_size * 1.4)
            spot = geometry.place(
                box, rotation, size, text, position=opts.position, margin=opts.margin, font_size=opts.font_size
            )
            if not spot.clear:
                crowded.append(label)
            items = [StampItem(label, spot.area, spot.font_size)]
            if opts.sticker == "stamp" and planned.bates.number in first_pages:
                exhibit = self.plan.exhibits[exhibit_of[planned.bates.number]]
                sticker_text = exhibit.label
                s_size = (text_width(sticker_text, STICKER_FONT, bold=True) + 12, STICKER_FONT * 2)
                where = "upper-right" if opts.position != "upper-right" else "upper-left"
                sticker = geometry.place(
                    box,
                    rotation,
                    s_size,
                    [*text, spot.area],
                    position=where,
                    margin=opts.margin,
                    font_size=STICKER_FONT,
                    order=STICKER_ORDER,
                )
                items.append(StampItem(sticker_text, sticker.area, sticker.font_size, bold=True, frame=True))
                if not sticker.clear:
                    crowded.append(f"{label} (exhibit label)")
            try:
                stampers[planned.source].stamp(
                    planned.source_page - 1, geometry.display_to_user(box, rotation), items, label
                )
            except PdfWriteProblem as exc:
                raise write_problem(Path(self.index.sources[planned.source].path), exc) from None
        self.crowded = crowded
        if crowded:
            shown = ", ".join(crowded[:5]) + (f" and {len(crowded) - 5} more" if len(crowded) > 5 else "")
            self.warnings.append(
                f"{len(crowded)} stamp(s) could not avoid text (text in every corner): {shown}. Check those pages."
            )

    def _band(self) -> float:
        """How far from the page edge a stamp or sticker can reach (text further in is never in the way)."""
        return self.options.margin + max(self.options.font_size * 1.4, STICKER_FONT * 2) + 4

    def _text_boxes(self) -> dict[int, TextBoxes]:
        """Text rectangles of every page, read by pdfium in worker processes (both cores, with limits)."""
        from reportkit.workers import Limits, Task, WorkerPool

        out: dict[int, TextBoxes] = {i: [[] for _ in range(s.page_count)] for i, s in enumerate(self.index.sources)}
        if sum(s.page_count for s in self.index.sources) <= IN_PROCESS_PAGES:
            # Few pages: not worth starting processes (the index already read these files under limits).
            from reportkit.packet.pdf import text_boxes

            unread = 0
            for i, source in enumerate(self.index.sources):
                try:
                    out[i] = text_boxes(source.path, self.passwords[i], 0, source.page_count, self._band())
                except PdfWriteProblem:
                    unread += source.page_count
            self._warn_unread(unread)
            return out
        jobs = self.options.jobs or max(1, min(os.cpu_count() or 1, 8))
        tasks = []
        for i, source in enumerate(self.index.sources):
            chunk = max(32, -(-source.page_count // (jobs * 2)))
            for start in range(0, source.page_count, chunk):
                stop = min(start + chunk, source.page_count)
                tasks.append(
                    Task((i, start), "text_boxes", (source.path, self.passwords[i], start, stop, self._band()))
                )
        unread = 0
        with WorkerPool(jobs, Limits()) as pool:
            for outcome in pool.map(tasks):
                i, start = outcome.key
                if outcome.ok:
                    out[i][start : start + len(outcome.value)] = outcome.value
                else:  # a run pdfium cannot read keeps no text boxes: its stamps go to the asked-for position
                    _, _, s_start, s_stop, _ = next(t.args for t in tasks if t.key == outcome.key)
                    unread += s_stop - s_start
        self._warn_unread(unread)
        return out

    def _warn_unread(self, unread: int) -> None:
        if unread:
            self.warnings.append(
                f"The text of {unread} page(s) could not be read to keep stamps off it: their Bates numbers are at "
                "the asked-for position. Check those pages."
            )

    def _pages_of(self, exhibit_position: int) -> list[PlannedPage]:
        if not self._by_exhibit:
            for p in self.plan.pages:
                self._by_exhibit.setdefault(p.exhibit, []).append(p)
        return self._by_exhibit.get(exhibit_position, [])

    def _add_exhibit(self, out: OutputPdf, position: int, covers: dict[int, bytes]) -> Bookmark:
        exhibit = self.plan.exhibits[position]
        start = out.page_count
        if position in covers:
            out.add_generated(covers[position])
        doc_marks = []
        lookup = {p.page: str(p.bates) for p in self._pages_of(position)}
        offset = out.page_count
        for doc in exhibit.documents:
            doc_marks.append(Bookmark(_doc_title(doc, lookup[doc.first_page], lookup[doc.last_page]), offset))
            offset += doc.page_count
        run: list[int] = []
        run_source = -1
        for src, page in [*((p.source, p.source_page - 1) for p in self._pages_of(position)), (-1, -1)]:
            if src != run_source and run:
                out.add_pages(self.sources[run_source], run)  # one call per run of pages from one file
                run = []
            run_source = src
            run.append(page)
        title = f"{exhibit.label}: {exhibit.description} ({exhibit.bates_range})"
        return Bookmark(title, start, tuple(doc_marks))

    def exhibit_files(self, covers: dict[int, bytes]) -> dict[str, bytes]:
        files = {}
        for position, exhibit in enumerate(self.plan.exhibits):
            out = OutputPdf()
            out.bookmarks.append(self._add_exhibit(out, position, covers))
            data = out.save(f"{exhibit.label} ({exhibit.bates_range})", TOOL)
            name = f"exhibits/{exhibit.first}.pdf"
            files[name] = data
            if self.options.max_size and len(data) > self.options.max_size:
                self.warnings.append(
                    f"{name} is {size_text(len(data))}, over --max-size: an exhibit is never split. "
                    "Group by document (--group-by document) for smaller exhibits."
                )
        return files

    def combined(
        self, report: bytes | None, list_pdf: bytes, covers: dict[int, bytes], estimates: dict[int, int]
    ) -> dict[str, bytes]:
        limit = self.options.max_size
        positions = list(range(len(self.plan.exhibits)))
        parts: list[list[int]] = []
        if limit is None:
            parts = [positions]
        else:
            head = (len(report) if report else 0) + len(list_pdf)
            current: list[int] = []
            used = head
            for pos in positions:
                size = estimates.get(pos, 0)
                if current and used + size > limit:
                    parts.append(current)
                    current, used = [], 0
                current.append(pos)
                used += size
            parts.append(current)
        files: list[bytes] = []
        i = 0
        while i < len(parts):
            data = self._part(parts[i], report if i == 0 else None, list_pdf if i == 0 else None, covers, i, len(parts))
            if limit is not None and len(data) > limit and len(parts[i]) > 1:
                # The estimate was short: move the last exhibit to the next part and try again.
                moved = parts[i].pop()
                if i + 1 < len(parts):
                    parts[i + 1].insert(0, moved)
                else:
                    parts.append([moved])
                continue
            if limit is not None and len(data) > limit:
                self.warnings.append(
                    f"part {i + 1} of the packet is {size_text(len(data))}, over --max-size: it holds one exhibit "
                    "(exhibits are never split). Group by document (--group-by document) for smaller exhibits."
                )
            files.append(data)
            i += 1
        total = len(files)
        return {
            ("packet.pdf" if total == 1 else f"packet-{i + 1:02d}-of-{total:02d}.pdf"): data
            for i, data in enumerate(files)
        }

    def _part(
        self,
        positions: list[int],
        report: bytes | None,
        list_pdf: bytes | None,
        covers: dict[int, bytes],
        part: int,
        total: int,
    ) -> bytes:
        out = OutputPdf()
        if report is not None:
            out.bookmarks.append(Bookmark("Report", out.page_count))
            out.add_generated(report)
        if list_pdf is not None:
            out.bookmarks.append(Bookmark("Exhibit list", out.page_count))
            out.add_generated(list_pdf)
        for pos in positions:
            out.bookmarks.append(self._add_exhibit(out, pos, covers))
        suffix = f", part {part + 1} of {total}" if total > 1 else ""
        return out.save(f"{self.title}{suffix}", TOOL)
