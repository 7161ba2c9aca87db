from django.utils.functional import SimpleLazyObject


def exchange(request):
    """Which data-exchange pages the menu offers the user (evaluated only when a page shows the menu)."""

    def links():
        from sinergi.exchange.duplicates.selectors import may_review_duplicates
        from sinergi.exchange.events.access import may_manage_subscriptions
        from sinergi.exchange.imports.access import may_import_any

        user = getattr(request, "user", None)
        return {
            "imports": bool(
                user is not None
                and (
                    may_import_any(user)
                    or may_manage_subscriptions(user)
                    or getattr(user, "is_superuser", False)
                )
            ),
            "duplicates": bool(user is not None and may_review_duplicates(user)),
        }

    return {"exchange_links": SimpleLazyObject(links)}
