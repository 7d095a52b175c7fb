"""The default document checklist (UU 18/2017 Pasal 13 and the practice of the domain brief, §3)
and the scheme policies. Rules are data: an administrator edits them afterwards; loading again
only adds what is missing, it never undoes an administrator's change."""

from django.db import migrations

PASAL_13 = "UU 18/2017 Pasal 13"
PRACTICE = "LTSA practice"

# Document types the placement checklist needs beyond the registry's defaults.
EXTRA_DOCUMENT_TYPES = [
    # code, Indonesian, English, desk type that verifies, validity days, specific data, order
    (
        "sertifikat-bahasa",
        "Sertifikat kemampuan bahasa (mis. EPS-TOPIK, JFT/JLPT)",
        "Language test certificate (e.g. EPS-TOPIK, JFT/JLPT)",
        "ketenagakerjaan",
        None,
        False,
        7,
    ),
    ("buku-pelaut", "Buku pelaut", "Seafarer's book", "keimigrasian", None, False, 10),
]

# document type code, scheme, country, sector, marital condition, legal basis
RULES = [
    ("ktp", "", "", "", "", PRACTICE),
    ("kk", "", "", "", "", PRACTICE),
    ("surat-status", "", "", "", "", PASAL_13 + " huruf a"),
    ("buku-nikah", "", "", "", "married", PASAL_13 + " huruf a"),
    ("izin-keluarga", "", "", "", "", PASAL_13 + " huruf b"),
    ("ijazah", "", "", "", "", PRACTICE),
    ("sertifikat-kompetensi", "", "", "", "", PASAL_13 + " huruf c"),
    ("surat-kesehatan", "", "", "", "", PASAL_13 + " huruf d"),
    ("paspor", "", "", "", "", PASAL_13 + " huruf e"),
    ("visa-kerja", "", "", "", "", PASAL_13 + " huruf f"),
    ("perjanjian-penempatan", "p3mi", "", "", "", PASAL_13 + " huruf g"),
    ("perjanjian-penempatan", "g2g", "", "", "", PASAL_13 + " huruf g"),
    ("perjanjian-kerja", "", "", "", "", PASAL_13 + " huruf h"),
    ("skck", "", "", "", "", PRACTICE),
    ("kartu-bpjs", "", "", "", "", "UU 18/2017 Pasal 29; " + PRACTICE),
    ("sertifikat-opp", "", "", "", "", PRACTICE),
    ("sertifikat-bahasa", "g2g", "KR", "", "", "Korea EPS (G to G)"),
    ("sertifikat-bahasa", "", "JP", "", "", "Japan SSW/TITP"),
    ("buku-pelaut", "", "", "fishing", "", "PP 22/2022 (fishing crew)"),
]

SCHEME_POLICIES = [
    # scheme, minimum age, needs a job order
    ("g2g", 18, False),
    ("p3mi", 18, True),
    ("own_company", 18, True),
    ("individual", 18, False),
]


def load(apps, schema_editor):
    DocumentType = apps.get_model("people", "DocumentType")
    ChecklistRule = apps.get_model("placement", "ChecklistRule")
    SchemePolicy = apps.get_model("placement", "SchemePolicy")
    for code, name_id, name_en, desk, days, specific, order in EXTRA_DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
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
    if not ChecklistRule.objects.exists():
        types = {t.code: t for t in DocumentType.objects.all()}
        ChecklistRule.objects.bulk_create(
            ChecklistRule(
                document_type=types[code],
                scheme=scheme,
                country=country,
                sector=sector,
                marital=marital,
                legal_basis=basis,
            )
            for code, scheme, country, sector, marital, basis in RULES
        )
    for scheme, minimum_age, needs_job_order in SCHEME_POLICIES:
        SchemePolicy.objects.get_or_create(
            scheme=scheme,
            defaults={"minimum_age": minimum_age, "needs_job_order": needs_job_order},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("placement", "0002_checklistrule_placementfile_gateoverride_and_more"),
        ("people", "0003_default_document_types"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
