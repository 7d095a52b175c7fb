from django.conf import settings

from satuatap.core.navigation import menu_for
from satuatap.core.two_factor import has_passed_two_factor


def shell(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated and has_passed_two_factor(user)
    groups, account_entries = menu_for(user) if signed_in else ([], [])
    return {
        "nav_groups": groups,
        "account_entries": account_entries,
        "LANGUAGES": settings.LANGUAGES,
    }
