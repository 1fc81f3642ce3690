from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "accounts"
urlpatterns = [
    # The address of the registration before allauth: bookmarks and links keep working.
    path(
        "register/",
        RedirectView.as_view(pattern_name="account_signup", query_string=True),
        name="register",
    ),
    # Links sent by the former registration, valid three days (PASSWORD_RESET_TIMEOUT).
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("me/", views.account, name="account"),
    path("me/tokens/", views.api_tokens, name="api_tokens"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
