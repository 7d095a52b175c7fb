"""Case references drawn at random instead of one sequence per office and year: the gaps in the
sequential numbers of the cases a reader may see counted (and dated) the restricted ones.

Every existing case gets a new reference; the old one is kept in `former_number`, which only
case supervisors (who see every case anyway) are shown and can search. Placement files that
named an old number are pointed at the new one. The yearly counters are no longer needed."""

import re

from django.db import migrations, models

from satuatap.cases.references import new_case_number

OLD_NUMBER = re.compile(r"^MRC-.+-(\d{4})-(\d+)$")


def renumber(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    PlacementFile = apps.get_model("placement", "PlacementFile")
    taken = set(Case.objects.values_list("number", flat=True))
    cases = list(Case.objects.select_related("office").only("pk", "number", "office__slug"))
    for case in cases:
        number = new_case_number(case.office.slug)
        while number in taken:
            number = new_case_number(case.office.slug)
        taken.add(number)
        case.former_number, case.number = case.number, number
    # Two passes, so that no new number meets an old one still in place.
    Case.objects.bulk_update(cases, ["former_number"], batch_size=500)
    for case in cases:
        Case.objects.filter(pk=case.pk).update(number=case.number)
        PlacementFile.objects.filter(mrc_case_reference__iexact=case.former_number).update(
            mrc_case_reference=case.number
        )


def restore(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseCounter = apps.get_model("cases", "CaseCounter")
    PlacementFile = apps.get_model("placement", "PlacementFile")
    last: dict[tuple[int, int], int] = {}
    for case in Case.objects.exclude(former_number="").only(
        "pk", "number", "former_number", "office_id"
    ):
        PlacementFile.objects.filter(mrc_case_reference=case.number).update(
            mrc_case_reference=case.former_number
        )
        Case.objects.filter(pk=case.pk).update(number=case.former_number)
        match = OLD_NUMBER.match(case.former_number)
        if match:
            key = (case.office_id, int(match.group(1)))
            last[key] = max(last.get(key, 0), int(match.group(2)))
    CaseCounter.objects.bulk_create(
        CaseCounter(office_id=office_id, year=year, last=n) for (office_id, year), n in last.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_encrypt_survivor_text"),
        ("placement", "0004_training"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="case",
            options={
                "ordering": ["priority", "-received_on", "-created_at", "-pk"],
                "verbose_name": "case",
                "verbose_name_plural": "cases",
            },
        ),
        migrations.AddField(
            model_name="case",
            name="former_number",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text=(
                    "The sequential number the case had before references were drawn at random; "
                    "shown to case supervisors only, who see every case (to anyone else the "
                    "numbers side by side would count the restricted cases again)."
                ),
                max_length=32,
                verbose_name="former case number",
            ),
        ),
        migrations.RunPython(renumber, restore),
        migrations.DeleteModel(name="CaseCounter"),
    ]
