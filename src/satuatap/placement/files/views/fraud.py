"""Fraud signals of the office: the warnings of `files/fraud.py`, grouped by kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from satuatap.placement.files.fraud import SignalKind, fraud_signals


@login_required
def fraud_signal_list(request):
    office = request.user.office
    if office is None or not request.user.has_perm("placement.view_fraud_signals", office):
        raise PermissionDenied
    today = office.today()
    signals = fraud_signals(office, today)
    groups = [
        {"kind": kind, "signals": [s for s in signals if s.kind == kind]} for kind in SignalKind
    ]
    context = {"office": office, "today": today, "groups": groups, "total": len(signals)}
    return render(request, "placement/fraud_signals.html", context)
