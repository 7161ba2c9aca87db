from django.urls import path
from rest_framework.routers import SimpleRouter

from sinergi.cases.api import views

router = SimpleRouter(trailing_slash=True)
router.register("cases", views.CaseViewSet, basename="case")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("transfers", views.TransferViewSet, basename="transfer")
router.register("approvals", views.ApprovalViewSet, basename="approval")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("case-parties", views.PartyViewSet, basename="case-party")
router.register("notifications", views.NotificationViewSet, basename="notification")
urlpatterns = [
    path("documents/<int:pk>/download/", views.DocumentDownloadView.as_view(), name="case-document-download"),
    *router.urls,
]
