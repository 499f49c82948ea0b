"""Make sure submitted cases go to the Moderators for approval.

Wagtail's own migrations normally assign a "Moderators approval" workflow to the root page;
this creates one only where a database has none on the root, so submissions always land
in a workflow.
"""

from django.db import migrations


def ensure_moderation_workflow(apps, schema_editor):
    page_model = apps.get_model("wagtailcore", "Page")
    workflow_page_model = apps.get_model("wagtailcore", "WorkflowPage")
    workflow_model = apps.get_model("wagtailcore", "Workflow")
    workflow_task_model = apps.get_model("wagtailcore", "WorkflowTask")
    task_model = apps.get_model("wagtailcore", "GroupApprovalTask")
    group_model = apps.get_model("auth", "Group")
    content_type_model = apps.get_model("contenttypes", "ContentType")

    root = page_model.objects.filter(depth=1).first()
    if root is None or workflow_page_model.objects.filter(page=root).exists():
        return
    moderators, _ = group_model.objects.get_or_create(name="Moderators")
    task_content_type, _ = content_type_model.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = task_model.objects.create(
        name="Moderators approval", content_type=task_content_type, active=True
    )
    task.groups.add(moderators)
    workflow = workflow_model.objects.create(name="Moderators approval", active=True)
    workflow_task_model.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow_page_model.objects.create(workflow=workflow, page=root)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(ensure_moderation_workflow, migrations.RunPython.noop)]
