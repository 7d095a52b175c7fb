"""Report exports: the monthly report as XLSX and PDF, indicator tables as CSV, and DHIS2
dataValueSets JSON. `builders` turns what was asked into a file; `services` queues long ones for
the background (`selectors` lists them) and `worker` makes them. The writers read only
`reports.results` objects, as the selectors return them."""
