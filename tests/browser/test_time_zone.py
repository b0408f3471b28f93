"""The browser names its time zone to the server, so times read as the family's own clock."""

from tests.browser.conftest import PHONE, _close, _open, log_in
from tests.factories import MembershipFactory


def test_the_phones_time_zone_reaches_the_server(browser, live_server, transactional_db):
    context, page = _open(browser, live_server, PHONE, timezone_id="Pacific/Auckland")
    try:
        log_in(page, live_server, MembershipFactory().user)
        page.goto("/today/")
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("tz") == "Pacific/Auckland"
    finally:
        _close(context, page)
    assert not page.problems, page.problems
