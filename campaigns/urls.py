from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<slug:slug>/activate/", views.campaign_status, {"action": "activate"}, name="campaign_activate"),
    path("<slug:slug>/close/", views.campaign_status, {"action": "close"}, name="campaign_close"),
    path("<slug:slug>/quotas/", views.quota_list, name="quota_list"),
    path("<slug:slug>/quotas/allocate/", views.quota_allocate, name="quota_allocate"),
    path("<slug:slug>/quotas/upload/", views.quota_upload, name="quota_upload"),
    path("<slug:slug>/quotas/<int:pk>/", views.quota_edit, name="quota_edit"),
    path("<slug:slug>/quotas/<int:pk>/remove/", views.quota_remove, name="quota_remove"),
]
