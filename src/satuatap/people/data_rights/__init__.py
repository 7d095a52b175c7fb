"""Data-subject rights (UU 27/2022): a person's copy of everything held on them
(`selectors.person_data`), and erasure by anonymisation (`services`: the office head's request,
the review another app may ask for, the retention schedule's erasure). `hooks.py` is how other
apps take part without the registry importing them.
"""
