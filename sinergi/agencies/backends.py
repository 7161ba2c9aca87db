"""Authentication backend with lock-out after repeated failures."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from sinergi.agencies.choices import UserKind
from sinergi.agencies.models import User


class LockoutModelBackend(ModelBackend):
    """Username/password login that refuses locked accounts and integrated systems.

    A locked account answers exactly like a wrong password, so the login form never tells whether an account
    exists or is locked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal the account
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            return None
        if (
            not user.check_password(password)
            or not self.user_can_authenticate(user)
            or user.kind == UserKind.SYSTEM
        ):
            failures = user.failed_login_count + 1
            updates = {"failed_login_count": F("failed_login_count") + 1}
            if failures >= settings.SINERGI_LOCKOUT_THRESHOLD:
                updates["locked_until"] = now + timezone.timedelta(seconds=settings.SINERGI_LOCKOUT_SECONDS)
                updates["failed_login_count"] = 0
            User.objects.filter(pk=user.pk).update(**updates)
            return None
        if user.failed_login_count or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        return user
