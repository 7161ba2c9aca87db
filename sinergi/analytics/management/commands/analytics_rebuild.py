"""manage.py analytics_rebuild: rebuilds the graph links and the post-region mentions."""

from django.core.management.base import BaseCommand

from sinergi.analytics.rebuild import analytics_rebuild


class Command(BaseCommand):
    help = "Rebuild the network links and the regions named by flagged posts (analytics)."

    def handle(self, *args, **options):
        build = analytics_rebuild()
        self.stdout.write(f"analytics rebuilt: {build.edges} links in {build.seconds:.1f} s\n")
