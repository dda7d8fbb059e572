from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("<slug:slug>/", views.campaign_dashboard, name="campaign_dashboard"),
    path("<slug:slug>/<str:code>/", views.campaign_dashboard, name="campaign_region_dashboard"),
]
