"""The sync of events recorded offline: `POST /api/v1/outreach/sync` (docs/offline.md)."""

from __future__ import annotations

import json

from ninja import Router

from satuatap.core.encryption import is_undecryptable
from satuatap.core.schemas import ErrorOut
from satuatap.outreach.models import OfflineSyncConflict
from satuatap.outreach.offline import services
from satuatap.outreach.offline.schemas import (
    OfflineEventResultOut,
    OfflineSyncIn,
    OfflineSyncOut,
    SyncConflictOut,
    SyncErrorOut,
)

router = Router(tags=["outreach"])


def _entered_name(conflict: OfflineSyncConflict) -> str:
    if not conflict.entered or is_undecryptable(conflict.entered):
        return ""
    try:
        return str(json.loads(conflict.entered).get("full_name", ""))
    except (ValueError, AttributeError):
        return ""


def conflict_out(conflict: OfflineSyncConflict) -> SyncConflictOut:
    return SyncConflictOut(
        id=conflict.pk,
        kind=conflict.kind,
        kind_label=conflict.get_kind_display(),
        resolution=conflict.resolution,
        resolution_label=conflict.get_resolution_display(),
        entered_name=_entered_name(conflict),
        person_id=conflict.person_id,
    )


def result_out(result: services.SyncResult) -> OfflineEventResultOut:
    error = result.error
    return OfflineEventResultOut(
        id=result.offline_id,
        status=result.status,
        event_id=result.event.pk if result.event is not None else None,
        error=(
            SyncErrorOut(code=error.code, message=error.message, details=error.details)
            if error is not None
            else None
        ),
        conflicts=[conflict_out(conflict) for conflict in result.conflicts],
    )


@router.post(
    "/sync",
    response={200: OfflineSyncOut, 403: ErrorOut, 422: ErrorOut},
    url_name="outreach-sync",
)
def sync(request, payload: OfflineSyncIn):
    """Store outreach events recorded offline, each exactly once: `id` is drawn by the phone,
    and a retried sync answers `already_synced` with the same event and report. A record the
    online form would refuse is `refused` with that error (nothing of it is stored); the
    others are stored. Named participants are matched to the office's registry; who could not
    simply be named is in `conflicts` (also listed for the office)."""
    records = [
        services.OfflineEvent(
            offline_id=event.id,
            village=event.village,
            date=event.date,
            kind=event.kind,
            title=event.title,
            topics=list(event.topics),
            counts=[(c.sex, c.age_band, c.count) for c in event.counts],
            participants=[
                services.OfflineParticipant(
                    full_name=p.full_name, sex=p.sex, nik=p.nik, birth_date=p.birth_date
                )
                for p in event.participants
            ],
            materials=event.materials,
            notes=event.notes,
        )
        for event in payload.events
    ]
    results = services.sync_events(by=request.user, records=records)
    return OfflineSyncOut(events=[result_out(result) for result in results])
