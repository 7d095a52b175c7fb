"""The MRC's pages for office staff: one module per page group (see urls.py)."""
