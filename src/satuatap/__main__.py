"""The `satuatap` command: Django's management commands with SatuAtap's settings.

What a command changes is recorded in the audit trail as `on_behalf_of: "command:<name>"` with
the operating-system user who ran it (`core.attribution`), unless the command names the person
it acts for (`import_people --user`, `import_agencies --user`).
"""

import os
import sys


def command_name(arguments: list[str]) -> str:
    """The command Django runs: the first argument, as `ManagementUtility` reads it."""
    return arguments[0] if arguments else "help"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
    from django.core.management import execute_from_command_line

    from satuatap.core.attribution import acting_as_command

    with acting_as_command(command_name(sys.argv[1:])):
        execute_from_command_line(["satuatap", *sys.argv[1:]])


if __name__ == "__main__":
    main()
