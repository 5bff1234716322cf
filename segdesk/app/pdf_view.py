"""The PDF pane (object name `pdfView`): pages rendered by pypdfium2, boxes over every value.

Scene coordinates are PDF points with the origin at a page's top-left, the same space as the
extracted boxes, so a box is placed without conversion. Pages render lazily, when first
painted, at the resolution the current zoom needs, and a few recent renders are cached.
pdfium is not thread-safe: the document is opened only on the GUI thread, after extraction.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView)

from segdesk.base.filing import Filing
from segdesk.reading.pdfread import PDFIUM_LOCK
from segdesk.base.vocab import LineState, LineStatus
from . import style

PAGE_GAP = 14.0  # points between pages
POINTS_TO_PIXELS = 96 / 72  # zoom 1.0 shows a page at its printed size on a 96-dpi screen
MIN_ZOOM, MAX_ZOOM = 0.2, 6.0
CACHE_PAGES = 12
CLICK_SLOP = 6.0  # points around a box that still count as clicking it


class _Renderer:
    """Renders pages of one document to QImages, keeping the most recent ones."""

    def __init__(self, path: str | Path):
        import pypdfium2
        with PDFIUM_LOCK:
            self.doc = pypdfium2.PdfDocument(str(path))
            # Sizes from the page tree, no page loaded: a long file opens at once, and pages
            # are parsed only when painted.
            self.sizes = [self.doc.get_page_size(i) for i in range(len(self.doc))]
        # Set while a load may be OCR'ing: pages then render only from the cache, so that the
        # window never waits for its turn at pdfium (PDFIUM_LOCK) behind a page being OCR'd.
        self.paused = False
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()

    def image(self, index: int, scale: float) -> QImage | None:
        """The page at `scale`; while paused, only what is cached (any scale), else None."""
        key = (index, round(scale, 2))
        image = self._cache.get(key)
        if image is None and self.paused:
            return next((im for (i, _), im in reversed(self._cache.items()) if i == index), None)
        if image is None:
            with PDFIUM_LOCK:
                bitmap = self.doc[index].render(scale=key[1], prefer_bgrx=True)
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               QImage.Format.Format_RGB32).copy()
            self._cache[key] = image
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return image

    def region(self, index: int, rect: QRectF, scale: float) -> QImage | None:
        """Part of a page (`rect` in points, top-left origin) at `scale`; None while paused."""
        if self.paused:
            return None
        width, height = self.sizes[index]
        left, top = max(rect.left(), 0.0), max(rect.top(), 0.0)
        right, bottom = min(rect.right(), width), min(rect.bottom(), height)
        if right <= left or bottom <= top:
            return None
        with PDFIUM_LOCK:
            # pdfium crops by the amount cut off each edge: left, bottom, right, top.
            bitmap = self.doc[index].render(scale=scale, prefer_bgrx=True,
                                            crop=(left, height - bottom, width - right, top))
            return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                          QImage.Format.Format_RGB32).copy()

    def close(self) -> None:
        self._cache.clear()
        with PDFIUM_LOCK:
            self.doc.close()


class PageItem(QGraphicsItem):
    def __init__(self, renderer: _Renderer, index: int):
        super().__init__()
        self.renderer, self.index = renderer, index
        width, height = renderer.sizes[index]
        self._rect = QRectF(0, 0, width, height)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 3, 3)

    def page_rect(self) -> QRectF:
        """The page itself, in points, without its shadow."""
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.fillRect(self._rect.translated(2, 2), QColor(0, 0, 0, 60))  # a shadow
        ratio = widget.devicePixelRatioF() if widget else 1.0
        scale = painter.worldTransform().m11() * ratio
        image = self.renderer.image(self.index, scale)
        if image is None:
            painter.fillRect(self._rect, QColor("white"))
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._rect, image)


class OcrBadge(QGraphicsRectItem):
    """'read by OCR' in the top-right corner of a page that had no usable text layer."""

    def __init__(self, page: PageItem):
        super().__init__(page)
        label = QGraphicsSimpleTextItem("read by OCR", self)
        font = QFont()
        font.setPointSizeF(7.5)
        font.setBold(True)
        label.setFont(font)
        label.setBrush(QColor("white"))
        text = label.boundingRect()
        label.setPos(4, 1.5)
        self.setRect(0, 0, text.width() + 8, text.height() + 3)
        self.setPos(page.page_rect().width() - self.rect().width() - 6, 6)
        self.setBrush(QColor(style.STATUS_COLOURS[LineStatus.EDITED]))
        self.setPen(Qt.PenStyle.NoPen)
        self.setOpacity(0.85)
        self.setZValue(3)
        self.setToolTip("This page had no usable text layer: its values were read by OCR.\n"
                        "Right-click the page to OCR it again.")


class BoxItem(QGraphicsRectItem):
    """The box around one extracted value, coloured by the line's status; a confirmed line
    carries a tick beside it, the selected one a dark ring (never a status colour)."""

    RING = 3.0  # points between the box and the selection ring
    TICK = 9.0  # the confirmed tick's size, in points, left of the box

    def __init__(self, line_id: str, rect: QRectF, parent: PageItem):
        super().__init__(rect, parent)
        self.line_id = line_id
        self.status = ""
        self.highlighted = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)

    def set_look(self, status: str, highlighted: bool) -> None:
        if (status, highlighted) != (self.status, self.highlighted):
            self.prepareGeometryChange()
        self.status, self.highlighted = status, highlighted
        colour = style.STATUS_COLOURS.get(status, style.MUTED_TEXT)
        fill = QColor(colour)
        fill.setAlpha(34)
        pen = QPen(colour, 1.6 if status == LineState.CONFIRMED else 1.0)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QBrush(fill))
        self.setZValue(2 if highlighted else 1)

    def boundingRect(self) -> QRectF:
        margin = self.RING + 2
        return self.rect().adjusted(-margin - (self.TICK + 2 if self.status == LineState.CONFIRMED else 0),
                                    -margin, margin, margin)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        rect = self.rect()
        if self.status == LineState.CONFIRMED:
            disc = QRectF(rect.left() - self.TICK - 2, rect.center().y() - self.TICK / 2,
                          self.TICK, self.TICK)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.STATUS_COLOURS[LineState.CONFIRMED])
            painter.drawEllipse(disc)
            tick = QPen(QColor("white"), self.TICK * 0.16)
            tick.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(tick)
            painter.drawPolyline([QPointF(disc.left() + disc.width() * 0.25, disc.center().y()),
                                  QPointF(disc.left() + disc.width() * 0.43, disc.bottom() - disc.height() * 0.27),
                                  QPointF(disc.right() - disc.width() * 0.22, disc.top() + disc.height() * 0.28)])
        if self.highlighted:
            ring = rect.adjusted(-self.RING, -self.RING, self.RING, self.RING)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for colour, width in ((QColor("white"), 5.0), (style.SELECTION_RING, 2.5)):
                pen = QPen(colour, width)
                pen.setCosmetic(True)
                painter.setPen(pen)
                painter.drawRoundedRect(ring, 2, 2)


class PdfView(QGraphicsView):
    boxClicked = Signal(str)  # line id
    pageChanged = Signal(int)  # 1-based page shown at the top of the pane
    pageMenuRequested = Signal(int, QPoint)  # 1-based page right-clicked, global position
    zoomChanged = Signal(str)  # 'width', 'page' or a factor
    renderingResumed = Signal()  # pages (and snippets) can be drawn again after a load

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pdfView")
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("#6E737A"))
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.renderer: _Renderer | None = None
        self.pages: list[PageItem] = []
        self.boxes: dict[str, BoxItem] = {}
        self.badges: dict[int, OcrBadge] = {}  # 1-based page -> its 'read by OCR' badge
        self.highlighted: str | None = None
        self.zoom_mode = "width"
        self._page = 0
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.show_empty()

    # ------------------------------------------------------------------ content
    def show_empty(self) -> None:
        self.show_message("No filing open.\nFile \u25B8 Open\u2026 or drop a PDF here.")

    def show_message(self, text: str) -> None:
        self.close_document()
        item = QGraphicsSimpleTextItem(text)
        item.setBrush(QColor("#F2F3F5"))
        self.scene().addItem(item)
        self.scene().setSceneRect(item.boundingRect().adjusted(-40, -40, 40, 40))
        self.resetTransform()

    def close_document(self) -> None:
        self.scene().clear()
        self.pages, self.boxes, self.badges, self.highlighted = [], {}, {}, None
        if self.renderer:
            self.renderer.close()
            self.renderer = None

    def open(self, path: str | Path, filing: Filing, statuses: dict[str, str]) -> None:
        """Show the PDF with a box for every located value (statuses: line id -> status)."""
        self.close_document()
        self.renderer = _Renderer(path)
        top, widest = 0.0, 0.0
        for index, (width, height) in enumerate(self.renderer.sizes):
            page = PageItem(self.renderer, index)
            page.setPos(0, top)
            self.scene().addItem(page)
            self.pages.append(page)
            top += height + PAGE_GAP
            widest = max(widest, width)
        for page in self.pages:  # centre narrower pages
            page.setX((widest - page.boundingRect().width() + 4) / 2)
        for number in filing.ocr_pages:
            if 1 <= number <= len(self.pages):
                self.badges[number] = OcrBadge(self.pages[number - 1])
        for item in filing.items:
            if item.page is None or item.bbox is None or item.page > len(self.pages):
                continue
            x0, y0, x1, y1 = item.bbox
            box = BoxItem(item.id, QRectF(x0 - 2, y0 - 1.5, x1 - x0 + 4, y1 - y0 + 3),
                          self.pages[item.page - 1])
            box.setToolTip(f"[{item.code or item.id}] {item.label}")
            box.set_look(statuses.get(item.id, item.status), False)
            self.boxes[item.id] = box
        self.scene().setSceneRect(QRectF(-PAGE_GAP, -PAGE_GAP, widest + 2 * PAGE_GAP,
                                         max(top, 1.0) + PAGE_GAP))
        self._page = 0
        self.apply_zoom(self.zoom_mode)
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())

    def pause_rendering(self, paused: bool) -> None:
        if self.renderer is not None and self.renderer.paused != paused:
            self.renderer.paused = paused
            if not paused:
                self.viewport().update()
                self.renderingResumed.emit()

    def set_status(self, line_id: str, status: str) -> None:
        box = self.boxes.get(line_id)
        if box and box.status != status:
            box.set_look(status, box.highlighted)

    # ------------------------------------------------------------------ where we are
    def page_count(self) -> int:
        return len(self.pages)

    def current_page(self) -> int:
        """1-based page at the middle of the pane (0 with no document)."""
        if not self.pages:
            return 0
        y = self.mapToScene(self.viewport().rect().center()).y()
        for number, page in enumerate(self.pages, start=1):
            if y < page.y() + page.boundingRect().height() + PAGE_GAP / 2:
                return number
        return len(self.pages)

    def page_at(self, point: QPointF) -> int:
        """1-based page at a scene point (the nearer one in the gap between two); 0 if none."""
        number = 1 if self.pages else 0
        for index, page in enumerate(self.pages[1:], start=2):
            if point.y() >= page.y() - PAGE_GAP / 2:
                number = index
        return number

    def go_to_page(self, number: int) -> None:
        if not self.pages:
            return
        page = self.pages[max(1, min(number, len(self.pages))) - 1]
        top = self.mapFromScene(QPointF(0, page.y() - PAGE_GAP / 2)).y()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top)

    def show_line(self, line_id: str) -> bool:
        """Scroll to a line's box and highlight it. False when the line has no box."""
        if self.highlighted in self.boxes:
            old = self.boxes[self.highlighted]
            old.set_look(old.status, False)
        self.highlighted = None
        box = self.boxes.get(line_id)
        if box is None:
            return False
        box.set_look(box.status, True)
        self.highlighted = line_id
        rect = box.mapRectToScene(box.rect())
        comfortable = self.mapToScene(self.viewport().rect().adjusted(
            20, self.viewport().height() // 5, -20, -self.viewport().height() // 5)).boundingRect()
        if not comfortable.contains(rect):
            self.centerOn(rect.center())
        return True

    def box_visible(self, line_id: str) -> bool:
        box = self.boxes.get(line_id)
        if box is None:
            return False
        shown = self.mapFromScene(box.mapRectToScene(box.rect())).boundingRect()
        return self.viewport().rect().contains(shown)

    def snippet(self, line_id: str, scale: float, context: float = 36.0) -> QImage | None:
        """The page around a line's box, `context` points either side, at `scale` (pixels per
        point): the print to hold beside the value. None when the line has no box."""
        box = self.boxes.get(line_id)
        if box is None or self.renderer is None:
            return None
        page = box.parentItem()
        rect = box.rect().adjusted(-context, -1, context * 0.5, 1)  # not the lines around it
        return self.renderer.region(page.index, rect, scale)

    def _scrolled(self) -> None:
        page = self.current_page()
        if page != self._page:
            self._page = page
            self.pageChanged.emit(page)

    # ------------------------------------------------------------------ zoom
    def zoom(self) -> float:
        return self.transform().m11() / POINTS_TO_PIXELS

    def apply_zoom(self, mode: str) -> None:
        """'width' fits the widest page's width, 'page' a whole page, else a factor."""
        if not self.pages:
            return
        if mode in ("width", "page"):
            width = self.scene().sceneRect().width()
            factor = (self.viewport().width() - 4) / width
            if mode == "page":
                page = self.pages[max(self.current_page(), 1) - 1].boundingRect()
                factor = min(factor, (self.viewport().height() - 4) / (page.height() + PAGE_GAP))
            factor /= POINTS_TO_PIXELS
        else:
            try:
                factor = float(mode)
            except ValueError:
                factor = 1.0
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        page = self.current_page()
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.resetTransform()
        self.scale(factor * POINTS_TO_PIXELS, factor * POINTS_TO_PIXELS)
        self.setTransformationAnchor(anchor)
        if mode == "page" and page:
            self.go_to_page(page)
        self.zoom_mode = mode if mode in ("width", "page") else f"{factor:.2f}"
        self.zoomChanged.emit(self.zoom_mode)

    def zoom_by(self, step: float) -> None:
        self.apply_zoom(f"{self.zoom() * step:.3f}")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.zoom_mode in ("width", "page"):
            self.apply_zoom(self.zoom_mode)

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_by(1.15 ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    # ------------------------------------------------------------------ clicks
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            line_id = self.line_at(self.mapToScene(event.position().toPoint()))
            if line_id:
                self.boxClicked.emit(line_id)
                event.accept()
                return
        super().mousePressEvent(event)

    def contextMenuEvent(self, event) -> None:
        page = self.page_at(self.mapToScene(event.pos()))
        if page:
            self.pageMenuRequested.emit(page, event.globalPos())
            event.accept()

    def line_at(self, point: QPointF) -> str | None:
        """The box under a scene point, or the nearest within a few points of it."""
        best, best_distance = None, CLICK_SLOP
        for item in self.scene().items(QRectF(point.x() - CLICK_SLOP, point.y() - CLICK_SLOP,
                                              2 * CLICK_SLOP, 2 * CLICK_SLOP)):
            if isinstance(item, BoxItem):
                rect = item.mapRectToScene(item.rect())  # the box, not its ring or tick
                dx = max(rect.left() - point.x(), 0, point.x() - rect.right())
                dy = max(rect.top() - point.y(), 0, point.y() - rect.bottom())
                distance = (dx * dx + dy * dy) ** 0.5
                if distance <= best_distance:
                    best, best_distance = item.line_id, distance
        return best
