from functools import partial

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from sinergi.core import registry


def platform(request):
    user = getattr(request, "user", None)
    context = {
        "SINERGI_DEMO": settings.SINERGI_DEMO,
        "SINERGI_REQUIRE_2FA": settings.SINERGI_REQUIRE_2FA,
        # The menu and the home page's cards, as the apps registered them (evaluated only when a page shows them).
        "nav_links": SimpleLazyObject(lambda: registry.nav_for(user, request.path)),
    }
    for name, factory in registry.context_factories().items():
        context[name] = SimpleLazyObject(partial(factory, request))
    return context
