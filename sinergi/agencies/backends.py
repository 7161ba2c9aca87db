"""Authentication backend with lock-out after repeated failures."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from sinergi.agencies.choices import UserKind
from sinergi.agencies.models import User


class LockoutModelBackend(ModelBackend):
    """Username/password check that refuses locked, disabled and integrated-system accounts.

    Each refusal looks the same to the caller (None) and costs the same password-hashing work, so neither the
    message nor the response time tells whether an account exists, is locked or is disabled. Failures are
    counted (and the account locked at the threshold) by `sign_in_failure_record`.

    `trusted_device` is the nonce hash of the browser's valid device cookie for this username (see
    agencies/devices.py): the account's lock does not stop such a browser, and its failures count against it.
    """

    def authenticate(self, request, username=None, password=None, trusted_device=None, **kwargs):
        from sinergi.agencies.services import sign_in_failure_record, user_is_locked

        if not username or password is None:
            return None
        user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # same work as a real check
            sign_in_failure_record(user=None, stage="password")
            return None
        password_ok = user.check_password(password)  # always, so a locked account answers as slowly
        if trusted_device is None and user_is_locked(user):
            sign_in_failure_record(user=user, stage="locked")
            return None
        if not password_ok or not self.user_can_authenticate(user) or user.kind == UserKind.SYSTEM:
            base_url = request.build_absolute_uri("/")[:-1] if request is not None else None
            sign_in_failure_record(user=user, stage="password", base_url=base_url, device=trusted_device)
            return None
        return user

    def user_can_authenticate(self, user):
        # A closed agency's staff lose access with it; Django also applies this to every open session.
        agency = getattr(user, "agency", None)
        return super().user_can_authenticate(user) and (agency is None or agency.is_active)

    def get_user(self, user_id):
        # Every page reads request.user.agency: load it in the same query (`get`, not `first`: no ORDER BY to
        # compile on every request).
        try:
            user = User.objects.select_related("agency").get(pk=user_id)
        except User.DoesNotExist:
            return None
        # An integrated system holding a browser session (it should never get one) is treated as signed out.
        if not self.user_can_authenticate(user) or user.kind == UserKind.SYSTEM:
            return None
        return user
