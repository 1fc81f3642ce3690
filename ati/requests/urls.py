from django.urls import path

from . import views

app_name = "requests"
urlpatterns = [
    path("requests/new/", views.submit, name="submit"),
    path("requests/mine/", views.my_requests, name="mine"),
    path("requests/similar/", views.similar, name="similar"),
    path("requests/<str:reference>/", views.detail, name="detail"),
    path("requests/<str:reference>/do/<str:action>/", views.act, name="act"),
    path("requests/<str:reference>/messages/", views.post_message, name="message"),
    path("requests/<str:reference>/receipt.pdf", views.receipt, name="receipt"),
    path("requests/<str:reference>/answer.pdf", views.answer_letter, name="answer_letter"),
    path("requests/<str:reference>/extension.pdf", views.extension_letter, name="extension_letter"),
    path("requests/<str:reference>/transfer.pdf", views.transfer_letter, name="transfer_letter"),
    path("requests/<str:reference>/files/<int:attachment_id>/", views.download, name="download"),
    path("office/", views.queue, name="queue"),
    path("office/assign/", views.bulk_assign, name="bulk_assign"),
    path("office/record/", views.record_request, name="record"),
]
