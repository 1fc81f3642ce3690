from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ati.accounts.views import ConfirmEmailView, LoginView, admin_login

urlpatterns = [
    path("", include("ati.core.urls")),
    path("accounts/", include("ati.accounts.urls")),
    path("accounts/me/data/", include("ati.personal_data.urls")),
    # Before allauth's own: the sign-in answers 429 with Retry-After when throttled, and
    # confirming an address asks for the account's password.
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path(
        "accounts/confirm-email/<str:key>/",
        ConfirmEmailView.as_view(),
        name="account_confirm_email",
    ),
    # allauth: sign-in, sign-up, confirmation, password reset, e-mail, 2FA (under 2fa/).
    path("accounts/", include("allauth.urls")),
    path("", include("ati.requests.urls")),
    path("deadlines/", include("ati.law.urls")),
    path("bodies/", include("ati.bodies.urls")),
    path("", include("ati.appeals.urls")),
    path("", include("ati.notifications.urls")),
    path("statistics/", include("ati.stats.urls")),
    path("", include("ati.library.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin has no door of its own: its sign-in is the site's (throttled, 2FA).
    path("admin/login/", admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("ati.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.ATI_BENCH_FLOOR:  # bench/bench_http.py only, never in production
    from ati.core.bench_floor import FloorView

    urlpatterns.append(path("bench/floor/", FloorView.as_view()))

admin.site.site_header = "ati — administration"
admin.site.site_title = "ati"

# JSON under /api/, Django's pages elsewhere (ati/core/views.py).
handler400 = "ati.core.views.bad_request"
handler404 = "ati.core.views.page_not_found"
handler500 = "ati.core.views.server_error"
