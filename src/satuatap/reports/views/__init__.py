"""Report pages: the office and national dashboards, villages (`dashboards.py`, `village.py`)."""
