from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sinergi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # People learns who reaches a person through cases from these hooks, without importing cases.
        from sinergi.cases.access import person_scope_q, person_withheld_q
        from sinergi.cases.search import person_case_rows
        from sinergi.people.access import register_person_cases, register_scope_hooks

        register_scope_hooks(extra=person_scope_q, withheld=person_withheld_q)
        register_person_cases(person_case_rows)
        # The menu, the home card, the "may open a case" check and the demo data (sinergi.core.registry).
        from sinergi.cases import plugins

        plugins.register()
