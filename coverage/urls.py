from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("payments/", views.payment_record, name="payment_record"),
    path("behind/", views.behind_list, name="behind_list"),
]
