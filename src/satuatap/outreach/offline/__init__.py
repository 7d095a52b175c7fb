"""Offline capture of outreach events on a phone (issue 21, point 3): the installable page, its
service worker and manifest, the sync API, and the report of the participants a sync could not
simply name (docs/offline.md)."""
