"""Monthly releases are now protected by a shadow table (reports/shadow.py) and store its
differences with every cell: the releases stored before are dropped, and built again by the
first reader or the nightly task."""

from django.db import migrations


def drop_stored_releases(apps, schema_editor):
    apps.get_model("reports", "StoredRelease").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_dirtyofficeday")]

    operations = [migrations.RunPython(drop_stored_releases, migrations.RunPython.noop)]
