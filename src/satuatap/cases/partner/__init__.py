"""The partner portal: a partner organisation's case workers see the referrals sent to it, only
what the client consented to share and only while the referral is live, answer them (accept,
decline, update, complete), and are reminded of those they leave unanswered.

`selectors.py` (what a partner sees), `services.py` (their answers, the reminders), `forms.py`,
`views.py` and `urls.py` (mounted by `cases/urls.py`, namespace `cases`, under /mrc/partner/).
`api.py` holds the portal's API routes (`partner_router`, /api/v1/partner/referrals).
"""
