from django.urls import path

from . import views

app_name = "targeting"

urlpatterns = [
    path("", views.target_list_list, name="list_list"),
    path("new/", views.target_list_new, name="list_new"),
    path("<int:pk>/", views.target_list_detail, name="list_detail"),
    path("<int:pk>/withdraw/", views.target_list_withdraw, name="list_withdraw"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.json", views.worklist_data, name="worklist_data"),
    path("people/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("duplicates/", views.near_duplicate_list, name="near_duplicate_list"),
    path("duplicates/<int:pk>/decide/", views.near_duplicate_decide_view, name="near_duplicate_decide"),
    path("campaigns/<slug:slug>/eligibility/", views.campaign_eligibility, name="campaign_eligibility"),
]
