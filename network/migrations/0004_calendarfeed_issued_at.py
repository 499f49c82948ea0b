from django.db import migrations, models


class Migration(migrations.Migration):
    """``created_at`` was set on every save (``auto_now``), and a feed is saved only when its
    address is issued or replaced: it always said when the current address was issued."""

    dependencies = [
        ("network", "0003_meetinglesson_networksharedcase"),
    ]

    operations = [
        migrations.RenameField(
            model_name="calendarfeed",
            old_name="created_at",
            new_name="issued_at",
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="issued_at",
            field=models.DateTimeField(auto_now=True, verbose_name="address issued"),
        ),
    ]
