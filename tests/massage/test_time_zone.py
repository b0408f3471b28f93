"""Times read in the family's own time zone, which the browser names in a cookie."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from sessions.models import Outcome
from tests.factories import MassageSessionFactory, routine_with_areas


@pytest.fixture(autouse=True)
def site_in_utc(settings):
    """The site's own zone, which these tests read times against unless they set another."""
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def summary_url(baby):
    session = MassageSessionFactory(
        baby=baby,
        routine=routine_with_areas(["legs"]),
        started_at=datetime(2026, 11, 20, 6, 30, tzinfo=UTC),
    )
    session.finish(outcome=Outcome.COMPLETED, at=datetime(2026, 11, 20, 6, 45, tzinfo=UTC))
    return reverse("sessions:session-summary", args=[session.pk])


def test_times_follow_the_browsers_time_zone(as_parent, summary_url):
    as_parent.cookies["tz"] = "Pacific/Auckland"  # UTC+13 in November
    page = as_parent.get(summary_url).content.decode()
    assert "Fri 20 Nov, 19:30" in page


def test_an_encoded_zone_name_is_understood(as_parent, summary_url):
    as_parent.cookies["tz"] = "Pacific%2FAuckland"
    assert "Fri 20 Nov, 19:30" in as_parent.get(summary_url).content.decode()


@pytest.mark.parametrize("cookie", ["", "Mars/Olympus_Mons", "../../etc/passwd", "x" * 200])
@pytest.mark.parametrize(
    ("site_zone", "expected"), [("UTC", "06:30"), ("America/New_York", "01:30")]
)
def test_an_unknown_time_zone_falls_back_to_the_sites(
    as_parent, summary_url, settings, cookie, site_zone, expected
):
    settings.TIME_ZONE = site_zone  # New York is UTC-5 in November
    as_parent.cookies["tz"] = cookie
    response = as_parent.get(summary_url)
    assert response.status_code == 200
    assert f"Fri 20 Nov, {expected}" in response.content.decode()
