from django.conf import settings

from satuatap.core.navigation import actions_for


def shell(request):
    user = getattr(request, "user", None)
    return {
        "nav_actions": actions_for(user) if user is not None and user.is_authenticated else [],
        "LANGUAGES": settings.LANGUAGES,
    }
