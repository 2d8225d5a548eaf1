"""Where each statement sits in its article's body, stored (Statement.passage_start/end).

The data step locates the passages of existing statements: each article's body is
normalised once for all its statements, a few hundred articles at a time.
"""

from django.db import migrations, models

from articles import quotes

ARTICLES_PER_BATCH = 200


def locate_passages(apps, schema_editor):
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Statement = apps.get_model("articles", "Statement")
    article_ids = list(
        Statement.objects.using(alias).order_by("article_id").values_list("article_id", flat=True)
        .distinct()
    )
    for first in range(0, len(article_ids), ARTICLES_PER_BATCH):
        batch = article_ids[first : first + ARTICLES_PER_BATCH]
        bodies = {
            pk: quotes.Body(body)
            for pk, body in Article.objects.using(alias)
            .filter(pk__in=batch)
            .values_list("pk", "body")
        }
        rows = list(
            Statement.objects.using(alias).filter(article_id__in=batch).only("pk", "article_id", "text")
        )
        for statement in rows:
            span = bodies[statement.article_id].find(statement.text)
            statement.passage_start, statement.passage_end = span or (None, None)
        Statement.objects.using(alias).bulk_update(
            rows, ["passage_start", "passage_end"], batch_size=500
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_statement_is_public"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="passage_start",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="statement",
            name="passage_end",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(locate_passages, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("passage_end__isnull", True), ("passage_start__isnull", True)),
                    models.Q(
                        ("passage_end__gte", models.F("passage_start")),
                        ("passage_start__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="statement_passage_span",
            ),
        ),
        # SQLite rebuilds the table to add the constraint, which drops its planner
        # statistics: without them a million-row archive reads its lists by full scans.
        migrations.RunSQL("ANALYZE articles_statement", migrations.RunSQL.noop),
    ]
