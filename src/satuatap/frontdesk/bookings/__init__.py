"""Visits booked ahead from the portal (issue 21): the office head opens times at each desk per
weekday with how many bookings each takes (`VisitSlot`), a person who identified in the portal
books one for a day (`Booking`: a reference to read out and a QR code with a secret token), and
on the day the front desk scans the QR (or types the reference) to check the person in through
`frontdesk.services.check_in`, so the ticket's number is the desk-day's next one like any
walk-in's. A booking becomes a ticket once: scanning it again shows the visit it became.

The package: limits here, `selectors.py` (an office's slots, the days and times a person may
book, finding a booking for the front desk), `services.py` (slots, booking, cancelling,
checking a booking in).
"""

from __future__ import annotations

# How far ahead a visit may be booked, counting the office's today.
BOOKING_DAYS_AHEAD = 14
# Bookings a person may hold for days to come at once (so one person cannot fill a desk).
MAX_OPEN_BOOKINGS = 2
MAX_CAPACITY = 50
