"""Every write of the reports' derived tables, one module per table kind:

- `rollups`: the marks of changed office-days, the background refresh, the day and month rows
  (`RollupValue`, `RollupMonth`), the rebuild;
- `releases`: the monthly releases of case-related counts, built and stored once
  (`StoredRelease`);
- `adjustments`: what retention and erasure took out, kept as `RollupAdjustment` rows.

The arithmetic and the reads they share are beside them, outside this package: `rollups.py`,
`release.py` (with `shadow.py` and `suppression.py`), `adjustments.py`, `compute.py`. The
exports' services are `exports/services.py` and `exports/worker/services.py`.

Unlike the other apps' services, these take positional arguments, as they did before they moved
here (issue 18): the selectors and the tests that pin "published once" call them so. They write
no one's record, only the derived tables, so they take no acting user and write no audit entry.
"""
