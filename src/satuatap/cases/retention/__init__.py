"""How long the MRC keeps what it holds, and what it tells the registry about it.

- `hooks.py`: registered from `CasesConfig.ready()`. The MRC's record class in the retention
  schedule (`core/retention/`): closed cases, anonymised once their period has run out; and
  what the MRC tells the registry about erasure and retention without telling it why
  (`people.data_rights.hooks`, `people.retention`; the registry never imports the MRC).
- `selectors.py`: the cases a hold keeps (`held_cases`), the erasure requests waiting for a case
  supervisor and the cases behind each.
- `services.py`: legal holds (set, lift), the case supervisor's decision on an erasure request,
  and the anonymisation of closed cases the schedule runs.

The pages are `cases/views/retention.py`.
"""
