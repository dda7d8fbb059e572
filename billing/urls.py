from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("", views.payer_list, name="payer_list"),
    path("issue/", views.bills_issue, name="bills_issue"),
    path("arrears/", views.arrears_list, name="arrears_list"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/receipt/", views.delivery_receipt, name="delivery_receipt"),
    path("months/", views.months_paid, name="months_paid"),
    path("months/file/", views.months_file, name="months_file"),
    path("payers/<int:pk>/", views.payer_detail, name="payer_detail"),
    path("payers/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("bills/<int:pk>/", views.bill_detail, name="bill_detail"),
    path("bills/<int:pk>/correct/", views.bill_correct, name="bill_correct"),
    path("bills/<int:pk>/workers.csv", views.bill_lines, name="bill_lines"),
    path("enrollments/<int:pk>/", views.enrollment_bills, name="enrollment_bills"),
]
