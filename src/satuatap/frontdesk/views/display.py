"""display pages of the front desk."""

urlpatterns: list = []

public_urlpatterns: list = []
