from django.urls import path

from . import views

app_name = "law"
urlpatterns = [
    path("", views.when_is_my_answer_due, name="deadlines"),
    path("calendar/", views.calendar_today, name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.calendar_month, name="calendar-month"),
]
