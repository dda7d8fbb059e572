from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("search/", views.region_search, name="region_search"),
    path("villages/", views.village_picker, name="village_picker"),
    path("<str:code>/", views.region_detail, name="region_detail"),
]
