"""Every API endpoint under /api/v1/: each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from ati.bodies.api import DepartmentViewSet, PublicBodyViewSet
from ati.library.api import LibraryViewSet
from ati.requests.api import InformationRequestViewSet

router = DefaultRouter()
router.register("bodies", PublicBodyViewSet, basename="body")
router.register("departments", DepartmentViewSet, basename="department")
router.register("requests", InformationRequestViewSet, basename="request")
router.register("library", LibraryViewSet, basename="library")

urlpatterns = router.urls
