"""Names kept as data in both languages (desk types, document types, services)."""

from django.utils.translation import get_language


def in_language(indonesian: str, english: str) -> str:
    """The English text when English is active and there is one, else the Indonesian."""
    return english if english and (get_language() or "id").startswith("en") else indonesian
