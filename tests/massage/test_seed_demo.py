from io import StringIO

from django.core.management import call_command

from massage.management.commands.seed_demo import DEMO_PASSWORD
from massage.models import (
    Assignment,
    Consent,
    InstructorLink,
    Membership,
    Scope,
    TeachingClass,
    User,
)


def test_with_the_library_the_demo_class_has_this_weeks_routine(db):
    call_command("load_library", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assignment = Assignment.objects.get()
    assert assignment.routine.slug == "newborn-first-touch"
    assert assignment.teaching_class.name == "Tuesday mornings"


def test_demo_logins_include_an_admin_who_can_open_the_admin(client, db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())  # again: nothing doubled
    assert "admin@example.com" in out.getvalue()
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff and admin.is_superuser
    assert not Membership.objects.filter(user=admin).exists()
    assert User.objects.filter(email="admin@example.com").count() == 1

    # The demo instructor teaches the demo family, which shares its practice and cues.
    link = InstructorLink.objects.with_scope().get(instructor__email="instructor@example.com")
    assert link.family.name == "The Demo Family"
    assert link.scope == Scope.CUES
    assert Consent.objects.count() == 1  # not doubled by the second run
    assert Assignment.objects.count() == 0  # the library isn't loaded in this test
    assert TeachingClass.objects.get().links.get() == link
    # The class has a code to show, kept when seeding again.
    code = TeachingClass.objects.get().join_code
    assert code
    call_command("seed_demo", stdout=StringIO())
    assert TeachingClass.objects.get().join_code == code

    assert client.login(email="admin@example.com", password=DEMO_PASSWORD)
    response = client.get("/admin/massage/routine/")
    assert response.status_code == 200
