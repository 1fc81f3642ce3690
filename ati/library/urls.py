from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("library/", views.library, name="list"),
    path("library/<int:pk>/", views.document, name="document"),
    path("library/<int:pk>/document.pdf", views.document_pdf, name="pdf"),
    path("library/<int:pk>/pages/<int:page_pk>/", views.document_page, name="page"),
    path(
        "library/<int:pk>/pages/<int:page_pk>/<str:size>.img",
        views.page_image,
        name="page_image",
    ),
    path("library/<int:pk>/review/", views.review, name="review"),
    path(
        "library/<int:pk>/review/pages/<int:page_pk>.img",
        views.review_page_image,
        name="review_page_image",
    ),
    path("library/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("library/review/", views.review_queue, name="review_queue"),
    path("library/new/", views.propose_proactive, name="new"),
    path("library/propose/<str:reference>/", views.propose_from_request, name="propose"),
]
