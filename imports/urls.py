from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("template/", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/columns/", views.import_mapping, name="mapping"),
    path("<int:pk>/check/", views.import_check_again, name="check_again"),
    path("<int:pk>/commit/", views.import_commit, name="commit"),
    path("<int:pk>/discard/", views.import_discard, name="discard"),
    path("<int:pk>/undo/", views.import_undo, name="undo"),
    path("<int:pk>/errors.xlsx", views.import_errors, name="errors"),
]
