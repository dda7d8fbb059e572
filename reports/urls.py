from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("enrollments/", views.enrollment_export, name="enrollment_export"),
    path("exports/", views.export_log, name="export_log"),
    path("recap/<slug:slug>/<str:code>/", views.village_recap, name="village_recap"),
    path("recap/<slug:slug>/<str:code>/sign-off/", views.recap_sign_off, name="recap_sign_off"),
    path("recap/<slug:slug>/<str:code>/reopen/", views.recap_reopen, name="recap_reopen"),
    path("sign-off/<int:pk>/scan/", views.signoff_scan, name="signoff_scan"),
]
