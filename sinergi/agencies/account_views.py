"""Sign-in, second factor, sign-out and password pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def two_factor(request):
    return render(request, "core/coming_soon.html", {"module": "two-factor"})
