"""Widget helpers: the steady tab widget repaints the window only when its layout changed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QVBoxLayout, QWidget

from gui.widgets import SteadyTabWidget


class PaintCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
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
