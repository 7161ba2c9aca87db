"""factory_boy factories shared by every app's tests. All data is synthetic (Faker id_ID)."""

from __future__ import annotations

import factory
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.models import Agency, User, UserRole

fake = Faker("id_ID")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.type} {o.code}")
    type = AgencyType.BP3MI
    country = "ID"


class UserFactory(factory.django.DjangoModelFactory):
    """`roles=[Role.CASE_WORKER, ...]` gives the user those roles."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.go.id")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("Sinergi-test-pass-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or [Role.CASE_WORKER]:
            UserRole.objects.get_or_create(user=self, role=role)
        self._role_codes = None


def enrol_totp(user: User) -> str:
    """Gives `user` a confirmed authenticator secret and returns it, for `pyotp.TOTP(secret).now()`."""
    import pyotp
    from django.utils import timezone

    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_counter = 0
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    return secret


class SystemUserFactory(UserFactory):
    """An integrated system (a data bridge): signs in only with API tokens."""

    kind = "SYSTEM"
    password = factory.LazyFunction(lambda: "!")  # unusable
