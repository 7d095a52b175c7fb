"""The public self-service portal for workers and their families (issue 21, `/portal/`): no
staff account, Indonesian first, made for a phone and working without JavaScript.

- a person identifies with their NIK, their date of birth and a one-time code sent to the
  phone number on record (`services.start_identification`, `services.verify_code`), then sees
  for a short while their placement files' stage and the documents still missing
  (`selectors.file_statuses`), and books a visit at a desk of their office
  (`frontdesk.bookings`);
- anyone checks whether an agency is licensed today (the national list, `placement`) and
  reports a recruiter who is not (`cases.portal_intake`);
- anyone asks the MRC for help (`cases.portal_intake`): nothing of it is shown back.

The portal sits on the top floor beside the reports (it calls frontdesk, placement, people,
notifications and the MRC's intake services); of `cases` it may import only
`cases.portal_intake` (pyproject's import-linter contracts). docs/portal.md.
"""

from __future__ import annotations

# The one-time code: its length, how long it is valid, how many tries it takes.
CODE_DIGITS = 6
CODE_MINUTES = 10
MAX_CODE_ATTEMPTS = 5
# How long the portal shows a person's records after the code, without asking again.
SESSION_MINUTES = 15

# Rate limits: (bucket, how many, per how many seconds). Counted in the database
# (`models.Hit`), so every app server counts the same.
IDENTIFY_PER_IP = ("identify_ip", 10, 3600)
IDENTIFY_PER_NIK = ("identify_nik", 3, 3600)
CODE_PER_IP = ("code_ip", 30, 3600)
HELP_PER_IP = ("help_ip", 5, 3600)
REPORT_PER_IP = ("report_ip", 5, 3600)
BOOK_PER_IP = ("book_ip", 20, 3600)

# Where the quick-exit button goes: a neutral page (the weather), opened in place of the portal.
QUICK_EXIT_URL = "https://www.bmkg.go.id/cuaca/prakiraan-cuaca"
