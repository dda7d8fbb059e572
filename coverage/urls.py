from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("behind/", views.behind_list, name="behind_list"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/<int:pk>/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
]
