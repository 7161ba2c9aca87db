"""Background work of the analytics app (django-tasks)."""

from django_tasks import task


@task()
def analytics_rebuild_task() -> int:
    from sinergi.analytics.rebuild import analytics_rebuild

    return analytics_rebuild().edges
