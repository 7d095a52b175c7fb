from django.conf import settings

from satuatap.core.navigation import actions_for
from satuatap.core.two_factor import has_passed_two_factor


def shell(request):
    user = getattr(request, "user", None)
    return {
        "nav_actions": (
            actions_for(user)
            if user is not None and user.is_authenticated and has_passed_two_factor(user)
            else []
        ),
        "LANGUAGES": settings.LANGUAGES,
    }
