"""The public portal, mounted at /portal/."""

from satuatap.portal.views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
