"""The exchange with the national placement system (SISKOP2MI, issue 22 point 4).

The office sends the national system what it registered and how its placement files moved
(`selectors.outgoing_records`: new registrations and stage changes recorded in a period), and
takes in what the national system says of them (`services.apply_status_updates`: its file
reference, the worker's CPMI ID and E-KPMI number, its status and the status's date), each row
checked on its own: a row with a problem changes nothing and is reported with its line.

How the records travel is an adapter's business (`adapters.py`, chosen by the setting
`SATUATAP_NATIONAL_ADAPTER`). Today's only one, `file`, writes and reads files in the layout of
docs/national-exchange.md (CSV or JSON), which an officer uploads to and downloads from the
national system; an adapter for the national system's API plugs in beside it when one is
published. Every exchange is logged (`NationalExchange`: who, when, which period, how many
rows) and audited.
"""

# The version of the file layout (docs/national-exchange.md), written into every JSON export.
LAYOUT = "satuatap-siskop2mi-1"

# The columns of an export, in order (CSV heading row; JSON keys of each record).
EXPORT_COLUMNS = (
    "record_type",
    "occurred_on",
    "office_code",
    "satuatap_person_id",
    "satuatap_file_id",
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "cpmi_id",
    "national_reference",
    "ekpmi_number",
    "scheme",
    "stage_from",
    "stage_to",
    "destination_country",
    "occupation",
    "agency_licence",
)

# The columns of a status update (CSV heading row; JSON keys); the first two are required.
IMPORT_COLUMNS = (
    "satuatap_file_id",
    "nik",
    "national_reference",
    "cpmi_id",
    "ekpmi_number",
    "national_status",
    "status_date",
)
REQUIRED_IMPORT_COLUMNS = ("satuatap_file_id", "nik")

# A period exported at once, and the rows of one update file: an office's weeks, not years.
MAX_EXPORT_DAYS = 366
MAX_IMPORT_ROWS = 20_000
