"""Sections are the report's own: free slugs, and a topic that links sections across years.

The 2021 sections (and their history rows) get topics equal to their slugs, so their
URLs, figure codes and charts stay as they were.
"""

import django.core.validators
from django.db import migrations, models

TOPIC_VALIDATOR = django.core.validators.RegexValidator(
    "^[a-z][a-z0-9-]*$", "主題代號須以小寫英文字母開頭，只含小寫英文字母、數字與連字號。"
)
TOPIC_HELP = "連結各年度同一主題的章節：跨年比較、篩選與圖表都依主題。"
SLUG_HELP = "網址中的章節代號，同一份報告內不可重複。"


def topic_from_slug(apps, schema_editor):
    for model_name in ("Section", "HistoricalSection"):
        model = apps.get_model("reports", model_name)
        model.objects.filter(topic="").update(topic=models.F("slug"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_report_published"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsection",
            name="topic",
            field=models.CharField(
                db_index=True,
                default="",
                help_text=TOPIC_HELP,
                max_length=50,
                validators=[TOPIC_VALIDATOR],
                verbose_name="主題",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="section",
            name="topic",
            field=models.CharField(
                db_index=True,
                default="",
                help_text=TOPIC_HELP,
                max_length=50,
                validators=[TOPIC_VALIDATOR],
                verbose_name="主題",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(topic_from_slug, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalsection",
            name="slug",
            field=models.SlugField(help_text=SLUG_HELP, verbose_name="代號"),
        ),
        migrations.AlterField(
            model_name="section",
            name="slug",
            field=models.SlugField(help_text=SLUG_HELP, verbose_name="代號"),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(fields=("report", "topic"), name="section_unique_topic_per_report"),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(
                condition=models.Q(("topic__regex", "^[a-z][a-z0-9-]*$")), name="section_topic_pattern"
            ),
        ),
    ]
