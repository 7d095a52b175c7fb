"""QR codes as inline SVG (segno): no image files, no external service, nothing to cache.

The SVG has a viewBox and no fixed size, so the stylesheet decides how big it prints."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str = "", css_class: str = "qr-code") -> SafeString:
    """An `<svg>` element encoding `data` (error correction M: survives a smudged slip)."""
    code = segno.make(data, error="m", micro=False)
    # segno escapes the title; the rest is numbers and path commands.
    svg = code.svg_inline(
        scale=1, border=4, omitsize=True, title=title or None, svgclass=css_class, lineclass=None
    )
    return mark_safe(svg)  # noqa: S308
