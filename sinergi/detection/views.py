"""Pages of early detection: the review queue, campaigns and posts, uploads, screening a text, departure
screening. Thin adapters over selectors (reads) and services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.audit.services import audit_read
from sinergi.core.errors import ApplicationError
from sinergi.core.htmx import is_htmx
from sinergi.core.page_views import RestrictedPageView
from sinergi.detection import selectors, services
from sinergi.detection.choices import BatchStatus, RiskLevel, Verdict
from sinergi.detection.filtersets import FLAGGED, CampaignFilterSet, DepartureScreeningFilterSet
from sinergi.detection.forms import (
    ANSWER_LABELS,
    QUESTION_LABELS,
    DepartureScreeningForm,
    ReviewForm,
    ScreenTextForm,
    UploadForm,
    country_name,
)
from sinergi.detection.models import (
    Campaign,
    Contact,
    DepartureScreening,
    PostBatch,
    ScreenedPost,
    can_create_departure_screening,
    can_review_posts,
    can_screen_text,
    can_view_posts,
)

PAGE_SIZE = 25
QUEUE_DEFAULTS = {"risk": FLAGGED, "status": "new"}


def _require(check, user) -> None:
    if not check(user):
        raise PermissionDenied


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _record_list(request, object_type: str, summary: str, page, params=None) -> None:
    """The one audit entry of a list page: how many records it showed and a keyed hash of its filters."""
    audit_read(
        actor=request.user,
        object_type=object_type,
        summary=summary,
        count=len(page.object_list),
        searched=params,
    )


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ------------------------------------------------------------------------------------------ queue


@login_required
def index(request):
    """The review queue: campaigns (a single post is a campaign of one) ordered by risk, then recency."""
    _require(can_view_posts, request.user)
    # With no filter chosen the queue shows what still needs a decision: high and medium risk, not reviewed.
    params = request.GET if request.GET else _as_querydict(QUEUE_DEFAULTS)
    filterset = CampaignFilterSet(params, queryset=selectors.campaign_queue(user=request.user))
    page = _page(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    _record_list(request, "detection.campaign", "post queue viewed", page, params)
    for campaign in page.object_list:
        code = campaign.destination_country
        campaign.destination_label = country_name(code.upper()) if len(code) == 2 else code
    context = {
        "filter_form": filterset.form,
        "page": page,
        "query": _query_without_page(request) or _as_querydict(QUEUE_DEFAULTS).urlencode(),
        "can_review": can_review_posts(request.user),
    }
    template = "detection/_queue_rows.html" if is_htmx(request) else "detection/queue.html"
    return render(request, template, context)


def _as_querydict(values: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(values)
    return query


# ------------------------------------------------------------------------------------------ campaigns and posts


def _extracted_facts(extracted: dict) -> list[tuple[str, str]]:
    """The engine's extracted fields that are present, labelled for the page."""
    from django.utils.translation import gettext

    labels = [
        ("destination_country", gettext("Destination country")),
        ("destination_city", gettext("Destination city")),
        ("job_title", gettext("Job")),
        ("salary_text", gettext("Promised salary (as written)")),
        ("salary_idr_month", gettext("Salary in rupiah per month")),
        ("fees", gettext("Fees asked of the worker")),
        ("visa_type", gettext("Visa")),
        ("departure_urgency", gettext("Departure")),
        ("age_min", gettext("Minimum age")),
        ("age_max", gettext("Maximum age")),
        ("company_names", gettext("Companies named")),
        ("registry_matches", gettext("Placement company registry")),
        ("phones", gettext("Phone numbers")),
        ("wa_links", gettext("WhatsApp links")),
        ("telegram_handles", gettext("Telegram")),
        ("other_handles", gettext("Other handles")),
        ("emails", gettext("E-mail")),
    ]
    facts = []
    for key, label in labels:
        value = (extracted or {}).get(key)
        if value in (None, "", [], {}):
            continue
        if key == "destination_country" and isinstance(value, str) and len(value) == 2:
            value = f"{country_name(value.upper())} ({value.upper()})"
        elif key == "salary_idr_month" and isinstance(value, int | float):
            value = _rupiah(value)
        elif key in ("visa_type", "departure_urgency"):
            value = _code_label(key, str(value))
        elif key == "registry_matches" and isinstance(value, list):
            value = "; ".join(_registry_match(v) for v in value if isinstance(v, dict))
        elif isinstance(value, list):
            value = "; ".join(_describe(v) for v in value)
        facts.append((label, str(value)))
    return facts


def _code_label(key: str, code: str) -> str:
    """The engine's codes for a visa and for how urgent the departure is (extraction.yaml), as words."""
    from django.utils.translation import gettext

    labels = {
        "visa_type": {
            "kerja": gettext("work visa"),
            "turis": gettext("tourist visa"),
            "kunjungan": gettext("visit or business visa"),
            "umrah": gettext("umrah or pilgrimage visa"),
            "self_employed": gettext("self-employed or freelance visa"),
            "pelajar": gettext("student visa"),
        },
        "departure_urgency": {
            "sangat_mendesak": gettext("very urgent (leaves within days)"),
            "mendesak": gettext("urgent (quick process, limited places)"),
        },
    }
    return labels[key].get(code, code.replace("_", " "))


def _registry_match(match: dict) -> str:
    """A company named in the offer and what the registry of licensed placement companies says of it."""
    from django.utils.translation import gettext

    name = match.get("name") or ""
    if not match.get("matched"):
        return gettext("%(name)s: not in the registry of licensed companies") % {"name": name}
    status = {
        "aktif": gettext("licensed"),
        "dibekukan": gettext("licence suspended"),
        "dicabut": gettext("licence revoked"),
    }.get(str(match.get("status") or ""), gettext("status unknown"))
    text = gettext("%(name)s: in the registry as %(matched)s, %(status)s") % {
        "name": name,
        "matched": match["matched"],
        "status": status,
    }
    if match.get("licence"):
        text += " · " + gettext("licence %(number)s") % {"number": match["licence"]}
    if match.get("score") is not None:
        text += " · " + gettext("name similarity %(percent)s%%") % {
            "percent": number_format(float(match["score"]), decimal_pos=0)
        }
    return text


def _rupiah(value) -> str:
    """Rupiah grouped as the reader's locale groups thousands ("Rp 15.000.000", in English "Rp 15,000,000")."""
    return f"Rp {number_format(value, decimal_pos=0, force_grouping=True)}"


def _describe(value) -> str:
    if isinstance(value, dict) and isinstance(value.get("amount_idr"), int | float):
        label = value.get("text") or value.get("span_text") or ""
        return f"{label} ({_rupiah(value['amount_idr'])})" if label else _rupiah(value["amount_idr"])
    if isinstance(value, dict):
        for key in ("text", "span_text", "name", "value"):
            if value.get(key):
                extra = [
                    f"{k}: {v}" for k, v in value.items() if k not in (key, "span_start", "span_end") and v
                ]
                return f"{value[key]}" + (f" ({', '.join(extra)})" if extra else "")
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def _post_view_context(post) -> dict:
    indicators = selectors.numbered_indicators(post.indicators)
    return {
        "segments": selectors.highlight_segments(post.text, indicators),
        "indicators": indicators,
        "facts": _extracted_facts(post.extracted),
    }


class CampaignPageView(RestrictedPageView):
    """A page over one campaign: `selectors.access_campaign` (Campaign.objects.restrict + 404)."""

    model = Campaign
    restrict_actions = {"POST": "review"}

    def lookup_object(self, pk: int) -> Campaign:
        return selectors.access_campaign(user=self.request.user, pk=pk, action=self.restrict_action())


class PostPageView(RestrictedPageView):
    """A page over one screened post: `selectors.access_post` (ScreenedPost.objects.restrict + 404)."""

    model = ScreenedPost
    restrict_actions = {"POST": "review"}

    # The post page's read is audited; a review posted from it is audited by its service.
    audit_read = False

    def lookup_object(self, pk: int) -> ScreenedPost:
        return selectors.access_post(
            user=self.request.user, pk=pk, action=self.restrict_action(), audit=self.audit_read
        )


class CampaignDetailView(CampaignPageView):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        campaign = self.object
        posts = list(selectors.campaign_posts(user=request.user, campaign=campaign))
        representative = campaign.representative or (posts[0] if posts else None)
        context = {
            "campaign": campaign,
            "posts": posts,
            "representative": representative,
            "review": _review_of(campaign),
            "form": ReviewForm(),
            "can_review": can_review_posts(request.user),
            **(
                selectors.case_action(user=request.user, detection_post=representative.pk)
                if representative
                else {}
            ),
            **(_post_view_context(representative) if representative else {}),
        }
        return render(request, "detection/campaign_detail.html", context)


campaign_detail = CampaignDetailView.as_view()


def _review_of(target):
    """The analyst's decision on a campaign or a post, or None before anyone reviewed it."""
    from sinergi.detection.models import Review

    try:
        return target.review
    except Review.DoesNotExist:
        return None


class ReviewPanelView(RestrictedPageView):
    """The review panel's POST, for a campaign and for a post alike: the decision goes through the page's
    `record_review`, then the panel (HTMX) or the page (a redirect with the outcome as a message) shows it."""

    http_method_names = ["post"]
    detail_url: str  # the page of the reviewed record
    review_url: str  # this view's own address, where the panel's form posts

    def record_review(self, *, actor, decision: str, reason: str) -> None:
        raise NotImplementedError

    def reviewed(self, pk: int):
        """The record again after the decision, read as a page read does (its status may have moved)."""
        raise NotImplementedError

    def post(self, request, pk):
        form = ReviewForm(request.POST)
        error = None
        if form.is_valid():
            try:
                self.record_review(
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                if not is_htmx(request):
                    messages.success(request, _("Decision recorded."))
                    return redirect(self.detail_url, pk=self.object.pk)
                form = ReviewForm()
        target = self.reviewed(pk)
        context = {
            "review": _review_of(target),
            "form": form,
            "error": error,
            "can_review": True,
            "action_url": self.review_url,
            "target": target,
        }
        if is_htmx(request):
            return render(request, "detection/_review_panel.html", context, status=200 if not error else 409)
        if error:
            messages.error(request, error)
        return redirect(self.detail_url, pk=target.pk)


class CampaignReviewView(ReviewPanelView, CampaignPageView):
    detail_url = "detection:campaign"
    review_url = "detection:campaign_review"

    def record_review(self, *, actor, decision: str, reason: str) -> None:
        services.campaign_review(actor=actor, campaign_id=self.object.pk, decision=decision, reason=reason)

    def reviewed(self, pk: int) -> Campaign:
        return selectors.access_campaign(user=self.request.user, pk=pk)


campaign_review = CampaignReviewView.as_view()


class PostDetailView(PostPageView):
    http_method_names = ["get", "head"]
    audit_read = True

    def get(self, request, pk):
        post = self.object
        context = {
            "post": post,
            "review": _review_of(post),
            "form": ReviewForm(),
            "can_review": can_review_posts(request.user),
            **selectors.case_action(user=request.user, detection_post=post.pk),
            "contacts": list(post.contacts.all()),
            **_post_view_context(post),
        }
        return render(request, "detection/post_detail.html", context)


post_detail = PostDetailView.as_view()


class PostReviewView(ReviewPanelView, PostPageView):
    detail_url = "detection:post"
    review_url = "detection:post_review"

    def record_review(self, *, actor, decision: str, reason: str) -> None:
        services.post_review(actor=actor, post_id=self.object.pk, decision=decision, reason=reason)

    def reviewed(self, pk: int) -> ScreenedPost:
        return selectors.access_post(user=self.request.user, pk=pk)


post_review = PostReviewView.as_view()


# ------------------------------------------------------------------------------------------ batches


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require(can_review_posts, request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > services.MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 10 MB. Split it into smaller files."))
        else:
            try:
                batch = services.post_upload(actor=request.user, name=uploaded.name, data=uploaded.read())
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                line_errors = (exc.fields or {}).get("lines", [])
            else:
                messages.success(
                    request,
                    _(
                        "The file was checked: %(count)s posts are being screened. This page shows when they are stored."
                    )
                    % {"count": batch.total_count},
                )
                return redirect("detection:batch", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "detection/upload.html", {"form": form, "line_errors": line_errors}, status=status)


@login_required
def batch_list(request):
    _require(can_view_posts, request.user)
    page = _page(request, selectors.batch_list(user=request.user))
    return render(request, "detection/batch_list.html", {"page": page, "query": ""})


class BatchDetailView(RestrictedPageView):
    model = PostBatch

    def lookup_object(self, pk: int) -> PostBatch:
        return selectors.access_batch(user=self.request.user, pk=pk)

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        batch = self.object
        waiting = batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)
        if is_htmx(request):
            # The page polls while the worker screens the file; once it is handled, the whole page reloads.
            if waiting:
                return render(request, "detection/_batch_status.html", {"batch": batch})
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        posts = selectors.post_list(user=request.user, filters={"batch": batch.pk})
        page = _page(request, posts)
        _record_list(request, "detection.screenedpost", "post list viewed", page)
        return render(
            request,
            "detection/batch_detail.html",
            {"batch": batch, "waiting": waiting, "page": page, "query": ""},
        )


batch_detail = BatchDetailView.as_view()


@login_required
def contact_list(request):
    _require(can_view_posts, request.user)
    page = _page(request, selectors.contact_list(user=request.user), size=50)
    _record_list(request, "detection.contact", "contact list viewed", page)
    return render(request, "detection/contact_list.html", {"page": page, "query": ""})


class ContactDetailView(RestrictedPageView):
    model = Contact

    def lookup_object(self, pk: int) -> Contact:
        return selectors.access_contact(user=self.request.user, pk=pk, audit=True)

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        contact = self.object
        page = _page(request, selectors.contact_posts(user=request.user, contact=contact))
        return render(
            request, "detection/contact_detail.html", {"contact": contact, "page": page, "query": ""}
        )


contact_detail = ContactDetailView.as_view()


# ------------------------------------------------------------------------------------------ screening a text


@login_required
@require_http_methods(["GET", "POST"])
def screen_text(request):
    """Screens a pasted text and shows the result; nothing is stored."""
    _require(can_screen_text, request.user)
    form = ScreenTextForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        from sinergi.detection.engine import screen

        result = screen(form.cleaned_data["text"], platform=form.cleaned_data["platform"] or None)
        data = result.to_dict()
        indicators = selectors.numbered_indicators(data["indicators"])
        context.update(
            result=data,
            risk_label=RiskLevel(data["risk_level"]).label,
            verdict_label=Verdict(data["verdict"]).label,
            segments=selectors.highlight_segments(form.cleaned_data["text"], indicators),
            indicators=indicators,
            facts=_extracted_facts(data),
        )
    template = "detection/_screen_result.html" if is_htmx(request) else "detection/screen.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------------ departure


@login_required
def departure_list(request):
    queryset = selectors.departure_screening_list(user=request.user)
    filterset = DepartureScreeningFilterSet(request.GET, queryset=queryset)
    page = _page(request, filterset.qs if filterset.is_valid() else queryset.none())
    _record_list(
        request, "detection.departurescreening", "departure screening list viewed", page, request.GET
    )
    return render(
        request,
        "detection/departure_list.html",
        {
            "page": page,
            "filter_form": filterset.form,
            "query": _query_without_page(request),
            "can_create": can_create_departure_screening(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def departure_new(request):
    _require(can_create_departure_screening, request.user)
    form = DepartureScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkpoint_type, checkpoint_name = form.checkpoint_values()
        try:
            screening = services.departure_screening_create(
                actor=request.user,
                checkpoint_type=checkpoint_type,
                checkpoint_name=checkpoint_name,
                answers=form.answers(),
                traveller_name=form.cleaned_data["traveller_name"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("detection:departure_detail", pk=screening.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "detection/departure_form.html", {"form": form}, status=status)


class DepartureDetailView(RestrictedPageView):
    """A screening is about a named traveller: opening it is audited like opening a person's record."""

    model = DepartureScreening

    def lookup_object(self, pk: int) -> DepartureScreening:
        return selectors.access_departure_screening(user=self.request.user, pk=pk, audit=True)

    http_method_names = ["get", "head"]

    def get(self, request, pk):
        screening = self.object
        english = (get_language() or "id").startswith("en")
        reasons = [
            {**reason, "text": reason["reason_en"] if english else reason["reason_id"]}
            for reason in screening.reasons
        ]
        answers = []
        for name, label in QUESTION_LABELS.items():
            value = screening.answers.get(name)
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                shown = ", ".join(str(ANSWER_LABELS[name].get(v, v)) for v in value)
            elif name in ANSWER_LABELS:
                shown = str(ANSWER_LABELS[name].get(value, value))
            else:
                shown = _rupiah(value) if name == "fee_paid_idr" else str(value)
            answers.append((label, shown))
        can_change = selectors.can_change_departure_screening(user=request.user, screening=screening)
        return render(
            request,
            "detection/departure_detail.html",
            {
                "screening": screening,
                "reasons": reasons,
                "answers": answers,
                "destination": country_name(screening.destination_country)
                if screening.destination_country
                else "",
                **selectors.case_action(user=request.user, departure_screening=screening.pk),
                "can_change": can_change,
                "can_create": can_create_departure_screening(request.user),
            },
        )


departure_detail = DepartureDetailView.as_view()
