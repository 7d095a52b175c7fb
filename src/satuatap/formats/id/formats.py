"""Date input formats: dd/mm/yyyy (satuatap.formats)."""

from satuatap.formats.shared import DATE_INPUT_FORMATS

__all__ = ["DATE_INPUT_FORMATS"]
