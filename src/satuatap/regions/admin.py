from django.contrib import admin

from satuatap.regions.models import Region, RegionCodeChange


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(RegionCodeChange)
class RegionCodeChangeAdmin(admin.ModelAdmin):
    """Read-only: the table is reference data, loaded by `satuatap load_regions`."""

    list_display = ("old_code", "old_name", "new_region", "kind", "changed_on", "source")
    list_filter = ("kind", "changed_on")
    search_fields = ("old_code", "old_name", "new_region__code", "new_region__name")
    list_select_related = ("new_region",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
