"""Every API endpoint under /api/v1/: each app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ati.accounts.api import ObtainTokenView
from ati.appeals.api import AppealViewSet, ComplaintViewSet
from ati.bodies.api import DepartmentViewSet, PublicBodyViewSet
from ati.law.api import ExceptionGroundViewSet
from ati.library.api import LibraryViewSet
from ati.requests.api import InformationRequestViewSet
from ati.stats.api import StatisticsViewSet

router = DefaultRouter()
router.register("grounds", ExceptionGroundViewSet, basename="ground")
router.register("bodies", PublicBodyViewSet, basename="body")
router.register("departments", DepartmentViewSet, basename="department")
router.register("requests", InformationRequestViewSet, basename="request")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("statistics", StatisticsViewSet, basename="statistics")
router.register("library", LibraryViewSet, basename="library")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
