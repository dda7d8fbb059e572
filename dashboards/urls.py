from django.urls import path

from . import report_views, views

app_name = "dashboards"
# Each page of a campaign is at its default area (campaign/<slug>/…) and at a region of the user's
# reach (campaign/<slug>/<code>/…). The named pages come first: a region code never reads "money".
urlpatterns = [
    path("workforce/", views.workforce_estimates, name="workforce_estimates"),
    path("campaign/<slug:slug>/", views.campaign_dashboard, name="campaign_dashboard"),
    path("campaign/<slug:slug>/money/", report_views.campaign_money, name="campaign_money"),
    path("campaign/<slug:slug>/progress/", report_views.progress_export, name="progress_export"),
    path("campaign/<slug:slug>/realisation/", report_views.realisation_export, name="realisation_export"),
    path("campaign/<slug:slug>/<str:code>/", views.campaign_dashboard, name="campaign_region_dashboard"),
    path("campaign/<slug:slug>/<str:code>/money/", report_views.campaign_money, name="campaign_region_money"),
    path(
        "campaign/<slug:slug>/<str:code>/progress/",
        report_views.progress_export,
        name="region_progress_export",
    ),
    path(
        "campaign/<slug:slug>/<str:code>/realisation/",
        report_views.realisation_export,
        name="region_realisation_export",
    ),
]
