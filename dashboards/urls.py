from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("workforce/", views.workforce_estimates, name="workforce_estimates"),
    path("campaign/<slug:slug>/", views.campaign_dashboard, name="campaign_dashboard"),
    path("campaign/<slug:slug>/<str:code>/", views.campaign_dashboard, name="campaign_region_dashboard"),
]
