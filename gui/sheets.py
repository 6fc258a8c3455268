"""Paper and files for one application: the sign-in sheet (PDF or a printer), XLSX and iCalendar."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from core.attendance import CheckinRow
from core.directory import Volunteer
from core.queries import AppDetail
from gui.display import attendance_text
from gui.export import offer_label
from gui.log_models import local_time

translate = QCoreApplication.translate

BLANK_ROWS = 5  # walk-ins sign on these
# (width, attributes) of the sheet's columns: #, name, id, phone, time, signature; numbers
# and phones never wrap mid-number
COLUMNS = (
    ("6%", " nowrap"),
    ("25%", ""),
    ("10%", " nowrap"),
    ("27%", " nowrap"),
    ("12%", " nowrap"),
    ("20%", ""),
)
PRODID = "-//Volunteer Console//volunteer-console//EN"


def _atomic(target: Path) -> Path:
    return target.with_name(target.name + ".tmp")


# ---- the sign-in sheet ----------------------------------------------------------------------


def _when(detail: AppDetail) -> str:
    s = detail.summary
    return f"{s.date.isoformat()}, {s.start:%H:%M}–{s.end:%H:%M}"


def sheet_html(detail: AppDetail, people: Mapping[str, Volunteer]) -> str:
    """The sign-in sheet: the roster with time and signature columns; the waitlist below."""
    s = detail.summary
    e = html.escape

    def person(vid: str) -> tuple[str, str]:
        v = people.get(vid)
        return (v.name if v else ""), (v.phone if v else "")

    head = (  # a header row, repeated on every page
        "<thead><tr>"
        + "".join(
            f"<th align='left' bgcolor='#e8f0e8'{wrap}>{e(t)}</th>"
            for (_w, wrap), t in zip(
                COLUMNS,
                (
                    "#",
                    translate("Sheet", "Name"),
                    translate("Sheet", "Id"),
                    translate("Sheet", "Phone"),
                    translate("Sheet", "Time"),
                    translate("Sheet", "Signature"),
                ),
                strict=True,
            )
        )
        + "</tr></thead>"
    )

    def row(n: int | str, vid: str) -> str:
        name, phone = person(vid) if vid else ("", "")
        # Qt's rich text breaks at spaces despite nowrap: keep a number whole
        phone = phone.replace(" ", "\u00a0")
        cells = (str(n), name, vid, phone, "", "")
        return (
            "<tr>"
            + "".join(
                f"<td width='{w}'{wrap}>{e(c) or '&nbsp;'}<br/>&nbsp;</td>"
                for c, (w, wrap) in zip(cells, COLUMNS, strict=True)
            )
            + "</tr>"
        )

    table = "<table border='1' cellspacing='0' cellpadding='5' width='100%'>"
    parts = [
        f"<h2>{e(s.name)}</h2>",
        f"<p><b>{e(_when(detail))}</b> &nbsp; "
        + e(
            translate("Sheet", "%1 of %2 spots signed up")
            .replace("%1", str(s.signed))
            .replace("%2", str(s.capacity))
        )
        + "</p>",
    ]
    if s.description:
        parts.append(f"<p>{e(s.description)}</p>")
    signed_up = translate("Sheet", "Signed up")
    parts.append(f"<h3>{e(signed_up)}</h3>")
    parts.append(table + head)
    parts += [row(i, r.volunteer_id) for i, r in enumerate(detail.roster, start=1)]
    parts += [row("", "") for _ in range(BLANK_ROWS)]
    parts.append("</table>")
    if detail.waitlist:
        waiting = translate("Sheet", "Waitlist (in order)")
        parts.append(f"<h3>{e(waiting)}</h3>")
        parts.append(table + head)
        parts += [row(w.position, w.volunteer_id) for w in detail.waitlist]
        parts.append("</table>")
    printed = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    parts.append(
        "<p><small>"
        + e(
            translate("Sheet", "Application %1 · printed %2")
            .replace("%1", s.id)
            .replace("%2", printed)
        )
        + "</small></p>"
    )
    return (
        "<html><body style='font-family: \"DejaVu Sans\", sans-serif'>"
        + "".join(parts)
        + "</body></html>"
    )


def print_sheet(
    detail: AppDetail, people: Mapping[str, Volunteer], device: QPagedPaintDevice
) -> None:
    """Lay the sheet out on a paged device (a QPdfWriter, or a QPrinter), one or more pages."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(sheet_html(detail, people))
    doc.print_(device)


def save_sheet_pdf(
    detail: AppDetail, people: Mapping[str, Volunteer], path: str | os.PathLike[str]
) -> None:
    """The sign-in sheet as an A4 PDF."""
    target = Path(path)
    tmp = _atomic(target)
    writer = QPdfWriter(str(tmp))
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setResolution(300)
    writer.setTitle(detail.summary.name)
    writer.setCreator("Volunteer Console")
    print_sheet(detail, people, writer)
    del writer  # the file is complete once the writer is gone
    os.replace(tmp, target)


# ---- spreadsheets ---------------------------------------------------------------------------


def save_xlsx(
    detail: AppDetail,
    people: Mapping[str, Volunteer],
    path: str | os.PathLike[str],
    attendance: Sequence[CheckinRow] = (),
) -> None:
    """Roster and waitlist as two sheets of an Excel workbook, with names and phones; with
    attendance recorded, a third sheet is the shift's timesheet (hours as numbers to sum)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    roster = book.active
    roster.title = translate("Sheet", "Roster")[:31]
    waitlist = book.create_sheet(translate("Sheet", "Waitlist")[:31])
    columns = [
        translate("Sheet", "Position"),
        translate("Sheet", "Volunteer id"),
        translate("Sheet", "Name"),
        translate("Sheet", "Phone"),
        translate("Sheet", "Since"),
    ]
    # the roster carries each volunteer's answer to the reminders: whom to phone the day before
    roster.append(
        [
            *columns,
            translate("Sheet", "Reminded"),
            translate("Sheet", "Confirm by"),
            translate("Sheet", "Confirmed"),
        ]
    )
    waitlist.append([*columns, translate("Sheet", "Offer state")])

    def who(vid: str) -> list[str]:
        v = people.get(vid)
        return [vid, v.name if v else "", v.phone if v else ""]

    for i, r in enumerate(detail.roster, start=1):
        answer = local_time(r.confirmed_at)
        if not answer and r.unconfirmed_at is not None:
            answer = translate("Sheet", "not confirmed")
        roster.append(
            [
                i,
                *who(r.volunteer_id),
                local_time(r.since),
                local_time(r.reminded_at) or None,
                local_time(r.confirm_by) or None,
                answer or None,
            ]
        )
    for w in detail.waitlist:
        waitlist.append(
            [w.position, *who(w.volunteer_id), local_time(w.since), offer_label(w.offer)]
        )
    sheets = [roster, waitlist]
    if attendance:
        marks = book.create_sheet(translate("Sheet", "Attendance")[:31])
        marks.append(
            [
                translate("Sheet", "Volunteer id"),
                translate("Sheet", "Name"),
                translate("Sheet", "Phone"),
                translate("Sheet", "Attendance"),
                translate("Sheet", "Arrived"),
                translate("Sheet", "Hours"),
            ]
        )
        for a in attendance:
            marks.append(
                [
                    a.volunteer_id,
                    a.name,
                    a.phone,
                    attendance_text(a.status),
                    a.arrived_at.strftime("%H:%M") if a.arrived_at else None,
                    round(a.minutes / 60, 2) if a.minutes is not None and a.status else None,
                ]
            )
        sheets.append(marks)
    for sheet in sheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGH", (10, 16, 32, 20, 20, 28, 20, 20), strict=True):
            sheet.column_dimensions[letter].width = width
    target = Path(path)
    tmp = _atomic(target)
    book.save(tmp)
    os.replace(tmp, target)


# ---- iCalendar (RFC 5545) -------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (RFC 5545 3.1).

    Folding never splits a UTF-8 sequence or an escape like "\\n": a Cyrillic name stays
    readable in every client, even those that unfold carelessly.
    """
    out: list[str] = []
    current, size = "", 0
    for ch in re.findall(r"\\.|.", line, flags=re.S):
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with its space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def application_ics(detail: AppDetail, fund_id: str, now: datetime | None = None) -> str:
    """One VEVENT for the shift. Times are floating (the fund's local wall-clock time, as the
    console keeps them): a calendar shows 14:00 as 14:00 wherever the coordinator is."""
    s = detail.summary
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    status = {"cancelled": "CANCELLED", "draft": "TENTATIVE"}.get(s.status, "CONFIRMED")
    text = (
        translate("Sheet", "%1 of %2 spots signed up, %3 waiting")
        .replace("%1", str(s.signed))
        .replace("%2", str(s.capacity))
        .replace("%3", str(s.waiting))
    )
    description = f"{s.description}\n\n{text}" if s.description else text
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        # the same UID on every export: a calendar updates the event instead of adding another
        f"UID:application-{ics_escape(s.id)}@fund-{ics_escape(fund_id)}.volunteer-console",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART:{datetime.combine(s.date, s.start):%Y%m%dT%H%M%S}",
        f"DTEND:{datetime.combine(s.date, s.end):%Y%m%dT%H%M%S}",
        f"SUMMARY:{ics_escape(s.name)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"STATUS:{status}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def save_ics(detail: AppDetail, fund_id: str, path: str | os.PathLike[str]) -> None:
    target = Path(path)
    tmp = _atomic(target)
    tmp.write_bytes(application_ics(detail, fund_id).encode("utf-8"))
    os.replace(tmp, target)
