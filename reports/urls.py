from django.urls import path

from . import branch_views, views

app_name = "reports"

urlpatterns = [
    path("enrollments/", views.enrollment_export, name="enrollment_export"),
    path("exports/", views.export_log, name="export_log"),
    path("recap/<slug:slug>/<str:code>/", views.village_recap, name="village_recap"),
    path("recap/<slug:slug>/<str:code>/sign-off/", views.recap_sign_off, name="recap_sign_off"),
    path("recap/<slug:slug>/<str:code>/reopen/", views.recap_reopen, name="recap_reopen"),
    path("sign-off/<int:pk>/scan/", views.signoff_scan, name="signoff_scan"),
    path("branch-layouts/", branch_views.branch_layout_list, name="branch_layout_list"),
    path("branch-layouts/new/", branch_views.branch_layout_edit, name="branch_layout_new"),
    path("branch-layouts/<int:pk>/", branch_views.branch_layout_edit, name="branch_layout_edit"),
    path("branch-file/", branch_views.branch_file, name="branch_file"),
]
