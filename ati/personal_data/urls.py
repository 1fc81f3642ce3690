from django.urls import path

from . import views

app_name = "personal_data"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("erasure/", views.erasure, name="erasure"),
    path("erasure/cancel/", views.cancel_erasure, name="cancel_erasure"),
]
