import datetime as dt

from django.core.management.base import BaseCommand

from campaigns.models import Campaign
from dashboards import summary
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = (
        "Recount the dashboards' breakdowns and daily entries of every active campaign (and of closed "
        "ones not counted since they closed). Run it every 5 minutes from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="only the campaign with this short name (slug)")

    @once_at_a_time(lease=dt.timedelta(minutes=30))
    def handle(self, *args, campaign=None, **options):
        campaigns = summary.campaigns_to_refresh()
        if campaign:
            campaigns = Campaign.objects.filter(slug=campaign)
        seconds, count = 0.0, 0
        for each in campaigns:
            seconds += summary.refresh(each).seconds
            count += 1
        self.stdout.write(f"Dashboards refreshed: {count} campaigns in {seconds:.1f} s.")
