from django.urls import path

from sinergi.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.index, name="index"),
    path("intake/", views.intake, name="intake"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("transfers/", views.transfer_inbox, name="transfer_inbox"),
    path("overdue/", views.overdue, name="overdue"),
    path("approvals/", views.approval_inbox, name="approval_inbox"),
    path("mine/", views.my_work, name="my_work"),
    path("find/", views.find_by_person, name="find_by_person"),
    path("notifications/", views.notifications, name="notifications"),
    path("metrics/", views.metrics, name="metrics"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/timeline/", views.timeline, name="timeline"),
    path("<int:case_id>/reads/", views.reads, name="reads"),
    path("<int:case_id>/sections/<str:section>/", views.section, name="section"),
    path("<int:case_id>/edit/", views.edit, name="edit"),
    path("<int:case_id>/transition/", views.transition, name="transition"),
    path("<int:case_id>/close/", views.close, name="close"),
    path("<int:case_id>/referrals/new/", views.referral_create, name="referral_create"),
    path("<int:case_id>/referrals/agencies/", views.referral_agencies, name="referral_agencies"),
    path("<int:case_id>/referrals/<int:referral_id>/accept/", views.referral_accept, name="referral_accept"),
    path(
        "<int:case_id>/referrals/<int:referral_id>/decline/", views.referral_decline, name="referral_decline"
    ),
    path(
        "<int:case_id>/referrals/<int:referral_id>/services/",
        views.referral_services,
        name="referral_services",
    ),
    path("<int:case_id>/referrals/<int:referral_id>/done/", views.referral_done, name="referral_done"),
    path("<int:case_id>/referrals/<int:referral_id>/revoke/", views.referral_revoke, name="referral_revoke"),
    path("<int:case_id>/transfer/", views.transfer_request, name="transfer_request"),
    path("<int:case_id>/transfers/<int:transfer_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path(
        "<int:case_id>/transfers/<int:transfer_id>/decline/", views.transfer_decline, name="transfer_decline"
    ),
    path("<int:case_id>/approvals/request/", views.approval_request, name="approval_request"),
    path("<int:case_id>/approvals/<int:approval_id>/decide/", views.approval_decide, name="approval_decide"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/tasks/", views.task_create, name="task_create"),
    path("<int:case_id>/tasks/<int:task_id>/complete/", views.task_complete, name="task_complete"),
    path("<int:case_id>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:case_id>/documents/<int:document_id>/download/",
        views.document_download,
        name="document_download",
    ),
    # Letters (PDF): the path says "download" like every file that is not a page.
    path("<int:case_id>/download/summary/", views.case_summary, name="letter_case_summary"),
    path(
        "<int:case_id>/referrals/<int:referral_id>/download/letter/",
        views.referral_letter,
        name="letter_referral",
    ),
    path(
        "<int:case_id>/transfers/<int:transfer_id>/download/handover/",
        views.handover_record,
        name="letter_handover",
    ),
    path("<int:case_id>/route/", views.route_event_add, name="route_event_add"),
    path("<int:case_id>/assign/", views.assign, name="assign"),
    path("<int:case_id>/parties/", views.party_add, name="party_add"),
    path("<int:case_id>/organisations/", views.organisation_add, name="organisation_add"),
    path("<int:case_id>/parties/<int:party_id>/status/", views.victim_status, name="victim_status"),
    path("<int:case_id>/parties/<int:party_id>/consent/", views.consent, name="consent"),
    path("<int:case_id>/parties/<int:party_id>/override/", views.share_override, name="share_override"),
]
