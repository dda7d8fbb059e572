from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from config.offline import service_worker
from dashboards.home import home
from dashboards.metrics import metrics

handler500 = "config.middleware.server_error"

admin.site.site_header = "Desa100"
admin.site.site_title = "Desa100"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("sw.js", service_worker, name="service_worker"),
    path("accounts/", include("accounts.urls")),
    path("regions/", include("regions.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("enrollments/", include("enrollment.urls")),
    path("coverage/", include("coverage.urls")),
    path("billing/", include("billing.urls")),
    path("targets/", include("targeting.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
