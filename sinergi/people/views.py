from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    # Placeholder until the module's pages land; replaced by the module's own views.
    return render(request, "core/coming_soon.html", {"module": "people"})
