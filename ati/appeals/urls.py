from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("requests/<str:reference>/complaint/", views.file_complaint, name="file_complaint"),
    path("requests/<str:reference>/appeal/", views.file_appeal, name="file_appeal"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint, name="complaint"),
    path("complaints/<int:pk>/do/<str:action>/", views.complaint_act, name="complaint_act"),
    path("complaints/<int:pk>/decision.pdf", views.complaint_letter, name="complaint_pdf"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/do/<str:action>/", views.appeal_act, name="appeal_act"),
    path("appeals/<int:pk>/decision.pdf", views.decision_letter, name="decision_pdf"),
    path("commission/", views.dashboard, name="dashboard"),
    path("commission/non-compliance/", views.non_compliance, name="non_compliance"),
    path("decisions/", views.published, name="published"),
]
