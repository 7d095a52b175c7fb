"""Reading the home page's "Your work" panels (`core.work`) in tests."""

from __future__ import annotations

from django.urls import reverse

from satuatap.core.work import WorkItem, WorkPanel


def home_panels(client, user) -> tuple[dict[str, WorkPanel], str]:
    """The panels of the user's home page by key, and the page's HTML, in English (the user's
    language is set to it: the assertions read the English labels)."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return dict(response.context["work_panels"]), response.content.decode()


def item(panel: WorkPanel, label: str) -> WorkItem:
    """The panel's item of that (English) label."""
    matches = [entry for entry in panel.items if entry.label == label]
    assert matches, f"no item {label!r} in {[entry.label for entry in panel.items]}"
    return matches[0]
