"""What the public portal (`satuatap.portal`) may hand to the MRC: a request for help and a
report of an unlicensed recruiter, each opened as a contact for the counsellors of the office
the person chose. The portal imports this package's services and nothing else of `cases`
(an import-linter contract): it writes contacts, it never reads one back, so nothing of a
request is ever shown in the portal.
"""

from __future__ import annotations

# Lengths of what a person may type (the form and the service both hold to them).
MAX_STORY = 4000
MAX_REACH = 300
MAX_RECRUITER = 300
