"""The icon's PNG is its SVG rendered, and the shipped desktop entry is valid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def test_the_png_is_the_svg_rendered_at_256(qapp):
    png = QImage(str(ICONS / "volunteer-console.png")).convertToFormat(QImage.Format.Format_ARGB32)
    drawn = render(ICONS / "volunteer-console.svg", 256)
    assert (png.width(), png.height()) == (256, 256)
    worst = max(
        abs(a - b)
        for y in range(0, 256, 4)
        for x in range(0, 256, 4)
        for a, b in zip(png.pixelColor(x, y).getRgb(), drawn.pixelColor(x, y).getRgb(), strict=True)
    )
    # after an edit of the SVG: render it again with render() above and save it as the PNG
    assert worst <= 8


def test_the_shipped_desktop_entry_is_valid():
    entry = ROOT / "resources" / "volunteer-console.desktop"
    keys = dict(
        line.split("=", 1) for line in entry.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    assert (keys["Exec"], keys["Icon"]) == ("volunteer-console", "volunteer-console")
    assert keys["Name"] == "Volunteer Console" and keys["Name[ru]"] == "Консоль волонтёров"
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
