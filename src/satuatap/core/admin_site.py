"""The admin site opens only to staff whose session passed the second factor.

The two-factor middleware already stops an unverified session at every page; the site checks
again so that the admin never depends on middleware order alone.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        from satuatap.core import two_factor  # models: not importable while apps load

        return super().has_permission(request) and two_factor.has_passed_two_factor(request.user)


class SatuAtapAdminConfig(AdminConfig):
    default_site = "satuatap.core.admin_site.AdminSite"
