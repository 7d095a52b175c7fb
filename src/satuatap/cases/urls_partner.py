"""The partner portal and the printable PDFs, mounted inside `cases/urls.py` (namespace
`cases`, under /mrc/)."""

from satuatap.cases import views_partner, views_print

urlpatterns = [*views_partner.urlpatterns, *views_print.urlpatterns]
