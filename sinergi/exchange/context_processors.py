from django.utils.functional import SimpleLazyObject


def exchange(request):
    """Which data-exchange pages the menu offers the user (evaluated only when a page shows the menu)."""

    def links():
        from sinergi.exchange.imports.access import may_import_any

        user = getattr(request, "user", None)
        return {
            "imports": bool(
                user is not None and (may_import_any(user) or getattr(user, "is_superuser", False))
            )
        }

    return {"exchange_links": SimpleLazyObject(links)}
