from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_storyday_reads")]

    operations = [
        migrations.CreateModel(
            name="FlushBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("batch", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
        ),
    ]
