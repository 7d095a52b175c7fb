"""The offline capture's pages, under /outreach/ (in the outreach namespace)."""

from django.urls import path

from satuatap.outreach.offline import views

urlpatterns = [
    path("offline/", views.offline_app, name="offline-app"),
    path("offline/sw.js", views.service_worker, name="offline-worker"),
    path("offline/manifest.webmanifest", views.manifest, name="offline-manifest"),
    path("sync-conflicts/", views.conflict_list, name="sync-conflicts"),
    path(
        "sync-conflicts/<int:conflict_id>/checked/",
        views.conflict_review,
        name="sync-conflict-review",
    ),
]
