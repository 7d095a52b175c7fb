"""HTML to PDF with WeasyPrint, fetching nothing from the network or the disk.

WeasyPrint would fetch any URL a document names (images, style sheets, `file://` paths). Ours
answers only `satuatap-static:` addresses, and only with files the project's static-file finders
know; every other address is refused. Style sheets are inline in the templates, so nothing a
document holds ever leaves the process. Used by the MRC's printable case documents and the
reports' monthly PDF.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders

STATIC_SCHEME = "satuatap-static:"


class BlockedFetchError(ValueError):
    """WeasyPrint asked for an address it may not fetch."""


def _url_fetcher_class():
    # Imported late: loading WeasyPrint opens the Pango libraries, which only PDF pages need.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `satuatap-static:<path>` from the static files; refuses everything else."""

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise BlockedFetchError("only the project's static files may be fetched")
            name = url.removeprefix(STATIC_SCHEME).split("?", 1)[0].lstrip("/")
            if not name or ".." in Path(name).parts:
                raise BlockedFetchError("not a static file")
            path = finders.find(name)
            if not path:
                raise BlockedFetchError("not a static file")
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, Path(path).read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def url_fetcher():
    """The only URL fetcher WeasyPrint gets here (see the module docstring)."""
    return _url_fetcher_class()(timeout=1, allowed_protocols=["satuatap-static"])


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=url_fetcher()).write_pdf()
