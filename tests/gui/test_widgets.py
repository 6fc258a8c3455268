"""Widget helpers: the steady tab widget repaints the window only when its layout changed; a
counted group box repaints only its title for a new count of the same width."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from gui.widgets import CountedBox, SteadyTabWidget


class PaintCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


class PaintedArea(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.pixels = 0
        widget.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.pixels += sum(r.width() * r.height() for r in event.region())  # type: ignore[attr-defined]
        return False


def deliver_posted() -> None:
    """Deliver the posted LayoutRequest, then the UpdateRequest (the paint) it may post.

    Counted steps, not a wait: under load a 5 ms qtbot.wait could end before the paint, which
    then landed in the next count.
    """
    QCoreApplication.sendPostedEvents()
    QCoreApplication.sendPostedEvents()


def a_tab_widget(qtbot, kind: type[QTabWidget] = SteadyTabWidget):
    tabs = kind()
    page = QWidget()
    label = QLabel("1/500")
    QVBoxLayout(page).addWidget(label)
    tabs.addTab(page, "Applications")
    tabs.addTab(QWidget(), "Message log")
    qtbot.addWidget(tabs)
    tabs.resize(500, 300)
    tabs.show()
    qtbot.waitExposed(tabs)
    QApplication.processEvents()
    return tabs, page, label


def tab_bar_paints_for_same_width_texts(qtbot, kind: type[QTabWidget]) -> int:
    tabs, _page, label = a_tab_widget(qtbot, kind)
    label.setText("10/500")  # the first layout request after show goes through
    deliver_posted()
    tabs.repaint()  # paints whatever show and that request left pending, now
    deliver_posted()
    bar = PaintCounter(tabs.tabBar())
    for i in range(11, 20):  # as wide as before: the page's size hints stay the same
        label.setText(f"{i}/500")
        deliver_posted()
    assert label.text() == "19/500"
    return bar.paints


def test_a_new_label_text_inside_a_page_does_not_repaint_the_tab_bar(qtbot):
    assert tab_bar_paints_for_same_width_texts(qtbot, SteadyTabWidget) == 0
    # The same steps do see the repaints a plain QTabWidget makes after each new text.
    assert tab_bar_paints_for_same_width_texts(qtbot, QTabWidget) > 0


def test_a_page_that_needs_more_room_still_changes_the_tab_widgets_size_hint(qtbot):
    tabs, page, _label = a_tab_widget(qtbot)
    before = tabs.minimumSizeHint()
    page.setMinimumSize(before.width() + 200, before.height() + 100)
    qtbot.waitUntil(lambda: tabs.minimumSizeHint().width() >= before.width() + 200)
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: tabs.currentWidget() is not page)


def a_box_with_a_table_like_child(qtbot, kind: type[QGroupBox]) -> tuple[QWidget, QGroupBox]:
    window = QWidget()
    box = kind("Wait&list (50123)")
    QVBoxLayout(box).addWidget(QLabel("volunteer 1"))
    QVBoxLayout(window).addWidget(box)
    qtbot.addWidget(window)
    window.resize(300, 200)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window, box


def test_a_new_count_repaints_the_counted_title_only_and_looks_as_a_new_title_does(qtbot):
    plain_window, plain = a_box_with_a_table_like_child(qtbot, QGroupBox)
    window, box = a_box_with_a_table_like_child(qtbot, CountedBox)
    assert isinstance(box, CountedBox)
    under, plain_under = PaintedArea(window), PaintedArea(plain_window)  # the box is not opaque
    box.set_count_title("Wait&list (50124)")
    plain.setTitle("Wait&list (50124)")
    deliver_posted()
    title = box.fontMetrics().boundingRect(box.shown_title())
    # setTitle repainted the whole box, and the window under it; here only about the title
    assert plain_under.pixels >= box.width() * box.height() // 2
    assert 0 < under.pixels <= 4 * title.width() * title.height()
    assert box.shown_title() == "Wait&list (50124)"
    assert box.accessibleName() == "Waitlist (50124)"
    assert box.title() == "Wait&list (50123)"  # the same width: sizes and mnemonic stay
    assert window.grab().toImage() == plain_window.grab().toImage()
    box.set_count_title("Wait&list (150124)")  # wider: a new title, sized again
    plain.setTitle("Wait&list (150124)")
    deliver_posted()
    assert box.title() == "Wait&list (150124)"
    assert window.grab().toImage() == plain_window.grab().toImage()
