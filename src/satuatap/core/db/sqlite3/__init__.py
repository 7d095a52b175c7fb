"""SQLite with writers handed the lock in turn (`base.py`)."""
