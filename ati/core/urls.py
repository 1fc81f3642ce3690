from django.urls import path

from . import help, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("help/", help.help_index, name="help"),
    path("help/<slug:name>/", help.help_guide, name="help_guide"),
]
