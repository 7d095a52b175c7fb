"""Document types of UU 18/2017 Pasal 13 and those asked for in practice (domain brief §3).

Validity periods are practice, not law, and are data: an administrator can change them.
"""

from django.db import migrations

DOCUMENT_TYPES = [
    # code, Indonesian, English, desk type that verifies, validity days, specific data
    ("ktp", "KTP (Kartu Tanda Penduduk)", "ID card (KTP)", "kependudukan", None, False),
    ("kk", "Kartu Keluarga", "Family card (KK)", "kependudukan", None, False),
    ("akta-lahir", "Akta kelahiran", "Birth certificate", "kependudukan", None, False),
    (
        "surat-status",
        "Surat keterangan status perkawinan",
        "Marital-status letter",
        "kependudukan",
        None,
        False,
    ),
    ("buku-nikah", "Buku nikah", "Marriage book", "kependudukan", None, False),
    (
        "izin-keluarga",
        "Surat izin suami/istri/orang tua/wali diketahui kepala desa",
        "Consent of spouse, parent or guardian acknowledged by the village head",
        "ketenagakerjaan",
        None,
        False,
    ),
    ("ijazah", "Ijazah", "School diploma", "ketenagakerjaan", None, False),
    (
        "sertifikat-kompetensi",
        "Sertifikat kompetensi",
        "Competency certificate",
        "ketenagakerjaan",
        None,
        False,
    ),
    (
        "surat-kesehatan",
        "Surat keterangan sehat (medis dan psikologi)",
        "Health letter (medical and psychological)",
        "kesehatan",
        90,
        True,
    ),
    ("paspor", "Paspor", "Passport", "keimigrasian", None, False),
    ("skck", "SKCK", "Police certificate (SKCK)", "kepolisian", 180, True),
    (
        "kartu-bpjs",
        "Kartu BPJS Ketenagakerjaan",
        "BPJS Ketenagakerjaan card",
        "jaminan-sosial",
        None,
        False,
    ),
    ("buku-rekening", "Buku rekening bank", "Bank account book", "perbankan", None, True),
    ("visa-kerja", "Visa kerja", "Work visa", "bp3mi", None, False),
    (
        "perjanjian-penempatan",
        "Perjanjian penempatan",
        "Placement agreement",
        "ketenagakerjaan",
        None,
        False,
    ),
    ("perjanjian-kerja", "Perjanjian kerja", "Work contract", "bp3mi", None, False),
    (
        "sertifikat-opp",
        "Sertifikat OPP",
        "Pre-departure orientation (OPP) certificate",
        "bp3mi",
        None,
        False,
    ),
    ("lainnya", "Dokumen lain", "Other document", "", None, False),
]


def load(apps, schema_editor):
    DocumentType = apps.get_model("people", "DocumentType")
    for order, (code, name_id, name_en, desk, days, specific) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "desk_type_code": desk,
                "validity_days": days,
                "is_specific_data": specific,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_documenttype_familylink_importjob_persondocument_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
