"""Escalates overdue referrals and tasks once each to the responsible agency's supervisors (safe to rerun)."""

from django.core.management.base import BaseCommand

from sinergi.cases.services import cases_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue referrals and tasks (each only once) and notify the supervisors."

    def handle(self, *args, **options):
        counts = cases_escalate_overdue()
        self.stdout.write(
            "escalated: {referrals_unanswered} unanswered referrals, {referrals_overdue} referrals with services "
            "overdue, {tasks} tasks".format(**counts)
        )
