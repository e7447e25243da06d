from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="storyday",
            name="views",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="storyday",
            name="reads",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
