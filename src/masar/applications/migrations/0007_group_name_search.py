
import masar.core.indexes
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_queue_and_name_prefix_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='group',
            index=masar.core.indexes.NameSearchIndex(field='name', name='group_name_search'),
        ),
    ]
