"""Report exports: the monthly report as XLSX and PDF, indicator tables as CSV, and DHIS2
dataValueSets JSON. `builders` turns what was asked into a file; `jobs` runs long ones in the
background. The writers read only `reports.results` objects, as the selectors return them."""
