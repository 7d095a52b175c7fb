"""console pages of the front desk."""

urlpatterns: list = []
