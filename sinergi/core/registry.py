"""Where the feature apps plug into core. Core imports no feature app: each app registers, in its
`AppConfig.ready()`, what it adds to the shared pages and services, and core reads only this registry.

- `register_nav(NavEntry(...))`: an entry of the main menu (and, with a card, of the home page). A module still to
  come has a "coming soon" placeholder registered by core under its key; the app that builds it registers an
  entry with the same key, which takes the placeholder's place for every user it gives an address to (the others
  still see "coming soon").
- `register_context(name, factory)`: a value the templates read (`factory(request)`, evaluated lazily, only when
  a page uses it), such as the detection pages a user may open.
- `register_check(name, fn)`: a question one app answers for the others, about a user ("cases.open": may this
  user register a case?), so that a lower app can offer a link into a higher one without importing it;
  `check(name, user)` is False when no app answers it (the app is not installed).
- `register_policy(answer)` / `policy_allows(kind, action, user, relation)`: the need-to-know policy
  (sinergi/cases/policy.py) asked by the apps below cases about their own records.
- `register_api_authentication(...)`: how the API authenticates a session's second factor and a bearer token
  (the agencies app owns users and tokens).
- `register_worklist(key, provider, order=)`: what waits for a user in that app (the home page of signed-in staff
  is the list of every app's `WorkSection`s for the user: referrals to answer, approvals, reviews...).
- `register_periodic(name, job)`: work the background worker runs by itself about once a minute (the audit
  app's signed checkpoints), so that an installation needs no cron for it; a job decides itself whether it is
  due, and must be safe when every worker runs it at once.
- `register_given_up(task, handler)`: what ends the record a task works on (an export, an import...) when the
  worker gives the task up after its worker died too often, since the task's own code never runs again.
- Demo seeders: `sinergi.core.demo.register_demo_seeder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise


@dataclass(frozen=True)
class NavEntry:
    """One section of the site in the main menu.

    `href(user)` is the section's address for this user, or None when the user may open none of its pages (the
    menu offers only what the user may open). The entry is marked as the current page on every path starting
    with `path_prefix`. With `card_title`, the home page shows a card for the section too.
    """

    key: str
    label: Label
    order: int
    href: Callable[[Any], str | None]
    path_prefix: str = ""
    card_title: Label | None = None
    card_text: Label | None = None
    coming_soon: bool = False


@dataclass(frozen=True)
class NavLink:
    """A menu entry resolved for one request: what the templates render."""

    key: str
    label: Label
    href: str
    current: bool
    coming_soon: bool
    card_title: Label | None
    card_text: Label | None


_nav: dict[str, NavEntry] = {}
_upcoming: dict[str, NavEntry] = {}
_context: dict[str, Callable[[HttpRequest], Any]] = {}


def register_nav(entry: NavEntry) -> None:
    """Adds a menu entry (a placeholder when `coming_soon`); registering the same entry again is harmless."""
    entries = _upcoming if entry.coming_soon else _nav
    existing = entries.get(entry.key)
    if existing is not None and existing != entry:
        raise ImproperlyConfigured(f"two menu entries are registered under {entry.key!r}")
    entries[entry.key] = entry


def nav_entries() -> list[NavEntry]:
    """Every app's entry, and the placeholder of each module no app has registered yet."""
    entries = {**_upcoming, **_nav}
    return sorted(entries.values(), key=lambda entry: (entry.order, entry.key))


def nav_for(user: Any, path: str) -> list[NavLink]:
    """The menu as this user sees it on the page at `path`."""
    links = []
    for entry in nav_entries():
        href = entry.href(user)
        if href is None and entry.key in _upcoming and not entry.coming_soon:
            # The module's pages are not open to this user: they see it as coming, as before it was built.
            entry = _upcoming[entry.key]
            href = entry.href(user)
        if href is None:
            continue
        current = bool(entry.path_prefix) and not entry.coming_soon and path.startswith(entry.path_prefix)
        links.append(
            NavLink(
                key=entry.key,
                label=entry.label,
                href=href,
                current=current,
                coming_soon=entry.coming_soon,
                card_title=entry.card_title,
                card_text=entry.card_text,
            )
        )
    return links


def coming_soon_label(key: str) -> Label | None:
    """The name of a module still to come (its placeholder's page), or None for any other key."""
    entry = _upcoming.get(key)
    return entry.label if entry is not None else None


def register_context(name: str, factory: Callable[[HttpRequest], Any]) -> None:
    """Makes `factory(request)` available to every template as `name` (computed only when a page reads it)."""
    if name in _context and _context[name] is not factory:
        raise ImproperlyConfigured(f"two template context values are registered under {name!r}")
    _context[name] = factory


def context_factories() -> dict[str, Callable[[HttpRequest], Any]]:
    return dict(_context)


# --- checks one app answers for the others -------------------------------------------------------------------

_checks: dict[str, Callable[[Any], bool]] = {}


def register_check(name: str, fn: Callable[[Any], bool]) -> None:
    if name in _checks and _checks[name] is not fn:
        raise ImproperlyConfigured(f"two apps answer the check {name!r}")
    _checks[name] = fn


def check(name: str, user: Any) -> bool:
    fn = _checks.get(name)
    return bool(fn(user)) if fn is not None else False


# --- the need-to-know policy, for the apps below cases --------------------------------------------------------
# The one policy is sinergi/cases/policy.py: it needs the agencies' role and type codes and the case relations,
# so it sits with cases. Detection and audit, below cases (and audit below agencies), hold records it decides on
# (posts, contacts, departure screenings, audit entries) but may not import it: they ask here, with the user and
# the user's relation to the record ("own_agency", "follow_up", "none"), and cases answers through the function
# it registers in its AppConfig.ready(). Nothing registered: nothing allowed (a lower app alone shows nothing).

PolicyAnswer = Callable[[str, str, Any, str], bool]
_policy: list[PolicyAnswer] = []


def register_policy(answer: PolicyAnswer) -> None:
    """`answer(kind, action, user, relation)`: whether the policy lets `user` take `action` on a record of
    `kind` to which the user stands in `relation` (the codes of cases.policy's Kind, Action and Relation)."""
    if _policy and _policy[0] is not answer:
        raise ImproperlyConfigured("two apps answer for the need-to-know policy")
    _policy[:] = [answer]


def policy_allows(kind: str, action: str, user: Any, relation: str = "none") -> bool:
    return bool(_policy and _policy[0](kind, action, user, relation))


# --- functions one app offers the others --------------------------------------------------------------------
# Where the layers forbid an import (cases sits below exchange), the higher app registers a function under a
# name and the lower one calls it if present: cases' intake asks exchange's record linkage for matching people.

_providers: dict[str, Callable[..., Any]] = {}


def register_provider(name: str, fn: Callable[..., Any]) -> None:
    if name in _providers and _providers[name] is not fn:
        raise ImproperlyConfigured(f"two apps provide {name!r}")
    _providers[name] = fn


def provider(name: str) -> Callable[..., Any] | None:
    """The function registered under `name`, or None when no installed app offers it."""
    return _providers.get(name)


def record_read(**read: Any) -> None:
    """One audit entry for a read that core serves (the worklist, the API's generic lists): the audit app's
    `audit_read`, which it registers as "audit.read". Reads are never left unrecorded for want of it."""
    record = _providers.get("audit.read")
    if record is None:
        raise ImproperlyConfigured("the audit app records reads (audit.read)")
    record(**read)


# --- periodic jobs ---------------------------------------------------------------------------------------------

_periodic: dict[str, Callable[[], Any]] = {}


def register_periodic(name: str, job: Callable[[], Any]) -> None:
    if name in _periodic and _periodic[name] is not job:
        raise ImproperlyConfigured(f"two periodic jobs are registered under {name!r}")
    _periodic[name] = job


def periodic_jobs() -> list[tuple[str, Callable[[], Any]]]:
    """The jobs every worker runs about once a minute (sinergi/core/worker.py), in the order registered."""
    return list(_periodic.items())


# --- tasks the worker gives up ----------------------------------------------------------------------------------
# A task whose worker died MAX_ATTEMPTS times is marked failed without being run again (core/worker.py): the record
# it was working on would stay "running" for ever, and a linkage run left so refuses every later one. The app that
# owns the task registers a handler, called with the task's own arguments, that fails its record if still unfinished
# (and is therefore safe to call twice). Core knows only the task's path.

_given_up: dict[str, Callable[..., Any]] = {}


def register_given_up(task: Any, handler: Callable[..., Any]) -> None:
    """`handler(*args, **kwargs)` (the arguments the task was enqueued with) ends `task`'s record as failed."""
    path = task.module_path
    if path in _given_up and _given_up[path] is not handler:
        raise ImproperlyConfigured(f"two handlers are registered for the given-up task {path!r}")
    _given_up[path] = handler


def given_up_handler(task_path: str) -> Callable[..., Any] | None:
    """The handler registered for the task at `task_path`, or None when its app has nothing to end."""
    return _given_up.get(task_path)


# --- API authentication ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiAuthentication:
    """`session_ok(request)`: whether a signed-in session has passed every required step (the second factor).
    `token_user(raw)`: the (user, token) a bearer token's secret belongs to, or (None, None)."""

    session_ok: Callable[[HttpRequest], bool]
    token_user: Callable[[str], tuple[Any, Any]]


_api_authentication: list[ApiAuthentication] = []


def register_api_authentication(hooks: ApiAuthentication) -> None:
    _api_authentication[:] = [hooks]


def api_authentication() -> ApiAuthentication | None:
    """The registered hooks, or None in an installation without users (then no API request authenticates)."""
    return _api_authentication[0] if _api_authentication else None


# --- the worklist: what waits for each user, the home page of signed-in staff -------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One thing to act on, as the worklist shows it: a label, where to act, and when it is due."""

    label: Label
    href: str
    detail: Label = ""
    due_at: Any = None  # a deadline (datetime or date), shown in the reader's locale as "due ..."
    overdue: bool = False
    on: Any = None  # a plain date the item is about (an event's day, when a post was last seen)


@dataclass(frozen=True)
class WorkSection:
    """One kind of work waiting for a user: how many there are, the first few, and one link to act on them all.

    `tone` marks urgency for the page ("urgent" for overdue work, "soon" for work due this week, "" otherwise);
    the page also says it in words, never by colour alone."""

    key: str
    title: Label
    count: int
    href: str
    action: Label
    items: tuple[WorkItem, ...] = ()
    tone: str = ""
    empty: Label = ""
    order: int = 100


def counted_head(queryset: Any, limit: int) -> tuple[int, list[Any]]:
    """The first `limit` rows of `queryset` and how many rows it has in all, in one query: the total is a window
    count over the whole filtered set, computed before the LIMIT (PostgreSQL and SQLite both have it). A
    worklist section is one query this way, instead of a COUNT and a SELECT. A DISTINCT queryset would count
    its rows before they are made distinct, so it gets the two queries."""
    from django.db.models import Count, Window

    if queryset.query.distinct:
        return queryset.count(), list(queryset[:limit])
    rows = list(queryset.annotate(_worklist_total=Window(Count("pk")))[:limit])
    return (rows[0]._worklist_total if rows else 0), rows


WorklistProvider = Callable[[Any], list[WorkSection]]
_worklist: dict[str, tuple[int, WorklistProvider]] = {}


def register_worklist(key: str, provider: WorklistProvider, *, order: int) -> None:
    """Adds an app's worklist provider: `provider(user)` gives the sections of work waiting for that user, only
    those that fit the user's roles (an empty list for a user the app has no work for), each read within the
    user's access. Registering the same provider again is harmless."""
    if key in _worklist and _worklist[key][1] is not provider:
        raise ImproperlyConfigured(f"two worklist providers are registered under {key!r}")
    _worklist[key] = (order, provider)


def worklist_for(user: Any) -> list[WorkSection]:
    """Every app's work for this user: the sections with something in them first (by the app's order and the
    section's), then the empty ones, so what waits is at the top of the page."""
    sections: list[tuple[int, int, WorkSection]] = []
    for app_order, provider in sorted(_worklist.values(), key=lambda entry: entry[0]):
        for section in provider(user):
            sections.append((app_order, section.order, section))
    sections.sort(key=lambda entry: (entry[2].count == 0, entry[0], entry[1]))
    return [section for _app, _order, section in sections]


# --- core's own entries ---------------------------------------------------------------------------------------

# Modules still to come: a placeholder each, until the app that builds the module registers its own entry.
UPCOMING_MODULES: dict[str, tuple[Label, int]] = {
    "exchange": (_("Data exchange"), 40),
}


def _coming_soon_href(key: str) -> Callable[[Any], str]:
    return lambda user: reverse("core:coming_soon", args=[key])


def register_core_entries() -> None:
    for key, (label, order) in UPCOMING_MODULES.items():
        if key not in _upcoming:  # ready() may run twice in tests; each placeholder is registered once
            _upcoming[key] = NavEntry(
                key=key, label=label, order=order, href=_coming_soon_href(key), coming_soon=True
            )
