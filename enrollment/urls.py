from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("", views.enrollment_list, name="enrollment_list"),
    path("new/", views.enrollment_create, name="enrollment_create"),
    path("nik/", views.nik_check, name="nik_check"),
    path("quotas/", views.quota_picker, name="quota_picker"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    path("expiring/", views.expiring_list, name="expiring_list"),
    path("expiring/renew/", views.renew_bulk, name="renew_bulk"),
    path("quotas/<int:pk>/promote/", views.quota_promote, name="quota_promote"),
    path("<int:pk>/", views.enrollment_detail, name="enrollment_detail"),
    path("<int:pk>/edit/", views.enrollment_edit, name="enrollment_edit"),
    path("<int:pk>/reminders/", views.enrollment_reminders, name="enrollment_reminders"),
    path("<int:pk>/cancel/", views.enrollment_cancel, name="enrollment_cancel"),
    path("<int:pk>/reject/", views.enrollment_reject, name="enrollment_reject"),
    path("<int:pk>/verify/", views.enrollment_verify, name="enrollment_verify"),
    path("<int:pk>/activate/", views.enrollment_activate, name="enrollment_activate"),
    path("<int:pk>/card/", views.enrollment_card, name="enrollment_card"),
    path("<int:pk>/renew/", views.enrollment_renew, name="enrollment_renew"),
    path("<int:pk>/erase/", views.enrollment_erase, name="enrollment_erase"),
]
