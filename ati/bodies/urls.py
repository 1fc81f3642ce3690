from django.urls import path

from . import views

app_name = "bodies"
urlpatterns = [
    path("", views.body_list, name="list"),
    path("<slug:code>/", views.body_detail, name="detail"),
]
