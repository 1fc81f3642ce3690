from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("data/", views.data_dictionary, name="data"),
    path("data/requests.csv", views.requests_csv, name="requests_csv"),
    path("data/requests.json", views.requests_json, name="requests_json"),
]
