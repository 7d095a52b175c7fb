"""The desk types of PP 59/2021 Pasal 31(1), plus the BP3MI desk common in practice."""

from django.db import migrations

DESK_TYPES = [
    # code, name_id, name_en, agency_id, agency_en, prefix, legal basis
    ("ketenagakerjaan", "Ketenagakerjaan", "Labour", "Dinas Tenaga Kerja", "Labour office (Disnaker)", "A", "PP 59/2021 Pasal 31(1)a"),
    ("pengaduan-informasi", "Pengaduan dan informasi (MRC)", "Complaints and information (MRC)", "Migrant Worker Resource Centre", "Migrant Worker Resource Centre", "B", "PP 59/2021 Pasal 31(1)b"),
    ("kependudukan", "Kependudukan dan pencatatan sipil", "Population and civil registration", "Dinas Kependudukan dan Pencatatan Sipil", "Civil registry office (Dukcapil)", "C", "PP 59/2021 Pasal 31(1)c"),
    ("kesehatan", "Kesehatan", "Health", "Dinas Kesehatan / RSUD", "Health office / regional hospital", "D", "PP 59/2021 Pasal 31(1)d"),
    ("keimigrasian", "Keimigrasian", "Immigration (passport)", "Kantor Imigrasi", "Immigration office", "E", "PP 59/2021 Pasal 31(1)e"),
    ("kepolisian", "Kepolisian (SKCK)", "Police (police certificate)", "Kepolisian Resor", "District police (Polres)", "F", "PP 59/2021 Pasal 31(1)f"),
    ("perbankan", "Perbankan", "Banking", "Bank", "Bank", "G", "PP 59/2021 Pasal 31(1)g"),
    ("jaminan-sosial", "Jaminan sosial", "Social security", "BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan", "H", "PP 59/2021 Pasal 31(1)h"),
    ("bp3mi", "Pelindungan PMI (BP3MI/UPT)", "Migrant worker protection (BP3MI)", "BP3MI / UPT BP2MI", "Migrant worker protection agency unit", "J", "practice"),
]


def load(apps, schema_editor):
    DeskType = apps.get_model("core", "DeskType")
    for order, (code, name_id, name_en, agency_id, agency_en, prefix, basis) in enumerate(DESK_TYPES):
        DeskType.objects.update_or_create(
            code=code,
            defaults={
                "name_id": name_id, "name_en": name_en, "agency_id": agency_id,
                "agency_en": agency_en, "default_prefix": prefix, "legal_basis": basis,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
