from io import StringIO

from django.core.management import call_command

from massage.management.commands.seed_demo import BERGS, DEMO_PASSWORD, OKAFORS
from massage.models import (
    Assignment,
    Baby,
    Consent,
    Family,
    InstructorLink,
    Membership,
    Scope,
    TeachingClass,
    User,
)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Family, Membership, Baby, InstructorLink, Consent, TeachingClass)
    }


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
    link = InstructorLink.objects.with_scope().get(
        instructor__email="instructor@example.com", family__name="The Demo Family"
    )
    assert link.scope == Scope.CUES
    assert Consent.objects.filter(link=link).count() == 1  # not doubled by the second run
    assert Assignment.objects.count() == 0  # the library isn't loaded in this test
    assert link in TeachingClass.objects.get().links.all()
    # The class has a code to show, kept when seeding again.
    code = TeachingClass.objects.get().join_code
    assert code
    call_command("seed_demo", stdout=StringIO())
    assert TeachingClass.objects.get().join_code == code

    assert client.login(email="admin@example.com", password=DEMO_PASSWORD)
    response = client.get("/admin/massage/routine/")
    assert response.status_code == 200


def test_two_more_demo_families_share_with_the_demo_class_once(client, db):
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = _counts()
    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert _counts() == counts

    # Three families in the demo class, each sharing as much as it chose, once.
    teaching_class = TeachingClass.objects.get(name="Tuesday mornings")
    scopes = {
        link.family.name: link.scope
        for link in InstructorLink.objects.with_scope().filter(
            pk__in=teaching_class.links.values("pk")
        )
    }
    assert scopes == {
        "The Demo Family": Scope.CUES,
        OKAFORS: Scope.PRACTICE,
        BERGS: Scope.EVERYTHING,
    }
    assert Consent.objects.count() == 3

    # Each has one parent, with a login on example.com and the demo password, and a baby.
    for name, email, baby in [
        (OKAFORS, "amara@example.com", "Tobi"),
        (BERGS, "jonas@example.com", "Elsa"),
    ]:
        family = Family.objects.get(name=name)
        membership = Membership.objects.get(family=family)
        assert membership.user.email == email
        assert membership.role == Membership.Role.PARENT
        assert [b.name for b in family.babies.all()] == [baby]
        assert 1 <= family.babies.get().age_in_months() <= 4
        assert email in first.getvalue()
        assert f"Demo family: {name} is there already, left as is." in second.getvalue()
        assert client.login(email=email, password=DEMO_PASSWORD)
    assert "The Demo Family is there already, left as is." in second.getvalue()


def test_a_demo_family_that_changed_its_mind_is_left_as_it_chose(db):
    call_command("seed_demo", stdout=StringIO())
    link = InstructorLink.objects.get(family__name=BERGS)
    jonas = User.objects.get(email="jonas@example.com")
    Consent.objects.create(link=link, scope=Scope.REVOKED, changed_by=jonas)
    TeachingClass.objects.get().links.remove(link)
    call_command("seed_demo", stdout=StringIO())
    assert InstructorLink.objects.with_scope().get(pk=link.pk).scope == Scope.REVOKED
    assert link not in TeachingClass.objects.get().links.all()
