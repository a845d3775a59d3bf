"""Official documents as PDF (a Muskel's Berita Acara, later the programs' decrees): the office's
letterhead, a title and number, paragraphs and tables, signature blocks, and "Page n of m" on
every page. ReportLab is a pure-Python wheel, so the README's two commands still need no system
package. Text is escaped here: a name typed as markup stays text."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

MARGIN = 20 * mm
_BASE = getSampleStyleSheet()
STYLES = {
    "body": ParagraphStyle("body", parent=_BASE["BodyText"], fontSize=10.5, leading=14),
    "cell": ParagraphStyle("cell", parent=_BASE["BodyText"], fontSize=9, leading=11),
    "title": ParagraphStyle("title", parent=_BASE["Title"], fontSize=13, leading=16, spaceAfter=2),
    "center": ParagraphStyle("center", parent=_BASE["BodyText"], alignment=TA_CENTER),
    "head1": ParagraphStyle(
        "head1", parent=_BASE["BodyText"], alignment=TA_CENTER, fontSize=12, leading=15
    ),
    "head2": ParagraphStyle(
        "head2",
        parent=_BASE["BodyText"],
        alignment=TA_CENTER,
        fontName="Helvetica-Bold",
        fontSize=14,
        leading=17,
    ),
    "small": ParagraphStyle(
        "small", parent=_BASE["BodyText"], alignment=TA_CENTER, fontSize=8.5, leading=10
    ),
}


def long_date(day: datetime.date) -> str:
    """30 Oktober 2025 (in the active language)."""
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class Signature:
    """A signature block: the signer's function, and the name under the space for signing."""

    function: str
    name: str = ""


class _NumberedCanvas(Canvas):
    """Writes "Page n of m" once the number of pages is known: each page is kept until the
    document ends, then drawn with the total."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.drawRightString(
                A4[0] - MARGIN,
                12 * mm,
                _("Page %(page)d of %(total)d") % {"page": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


class OfficialDocument:
    """Build a document flowable by flowable, then `render()` it to PDF bytes."""

    def __init__(self, *, title: str, number: str = "", subtitle: str = ""):
        self.title = title
        self.flow: list = self._letterhead()
        self.flow.append(Paragraph(escape(title.upper()), STYLES["title"]))
        if subtitle:
            self.flow.append(Paragraph(escape(subtitle), STYLES["center"]))
        if number:
            self.flow.append(
                Paragraph(escape(_("Number: %(number)s") % {"number": number}), STYLES["center"])
            )
        self.flow.append(Spacer(1, 6 * mm))

    @staticmethod
    def _letterhead() -> list:
        """The office's letterhead (settings: PADU_OFFICE_GOVERNMENT, PADU_OFFICE_NAME,
        PADU_OFFICE_ADDRESS) over a rule."""
        lines = []
        if settings.PADU_OFFICE_GOVERNMENT:
            lines.append(
                Paragraph(escape(settings.PADU_OFFICE_GOVERNMENT.upper()), STYLES["head1"])
            )
        lines.append(Paragraph(escape(settings.PADU_OFFICE_NAME.upper()), STYLES["head2"]))
        if settings.PADU_OFFICE_ADDRESS:
            lines.append(Paragraph(escape(settings.PADU_OFFICE_ADDRESS), STYLES["small"]))
        rule = Table([[""]], colWidths=[A4[0] - 2 * MARGIN], rowHeights=[2])
        rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, colors.black)]))
        return [*lines, Spacer(1, 2 * mm), rule, Spacer(1, 5 * mm)]

    def paragraph(self, text: str) -> None:
        self.flow.append(Paragraph(escape(text), STYLES["body"]))
        self.flow.append(Spacer(1, 2 * mm))

    def table(self, header: list[str], rows: list[list], widths: list[float] | None = None):
        """A table with a repeated header row; `widths` in millimetres."""
        cell = STYLES["cell"]
        data = [[Paragraph(f"<b>{escape(str(h))}</b>", cell) for h in header]]
        data += [
            [Paragraph(escape("" if v is None else str(v)), cell) for v in row] for row in rows
        ]
        table = Table(data, colWidths=[w * mm for w in widths] if widths else None, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.flow.append(table)
        self.flow.append(Spacer(1, 4 * mm))

    def signatures(self, signatures: list[Signature], *, place: str, day: datetime.date):
        """The place and date, then the signature blocks two by two, kept on one page."""
        blocks = [
            [
                Paragraph(escape(s.function), STYLES["center"]),
                Spacer(1, 18 * mm),
                Paragraph(f"<u>{escape(s.name or '.' * 30)}</u>", STYLES["center"]),
            ]
            for s in signatures
        ]
        if len(blocks) % 2:
            blocks.append("")
        half = (A4[0] - 2 * MARGIN) / 2
        grid = Table([blocks[i : i + 2] for i in range(0, len(blocks), 2)], colWidths=[half, half])
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        dated = Paragraph(escape(f"{place}, {long_date(day)}"), STYLES["center"])
        self.flow.append(KeepTogether([Spacer(1, 6 * mm), dated, Spacer(1, 3 * mm), grid]))

    def render(self) -> bytes:
        out = BytesIO()
        SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=15 * mm,
            bottomMargin=20 * mm,
            title=self.title,
            author=settings.PADU_OFFICE_NAME,
        ).build(self.flow, canvasmaker=_NumberedCanvas)
        return out.getvalue()
