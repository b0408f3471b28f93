"""Create the demo families and logins for local development. Safe to run again: nothing is
duplicated, and what is there already is left as it is (and said so)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from massage.models import (
    Assignment,
    Baby,
    Consent,
    Family,
    InstructorLink,
    InstructorProfile,
    Membership,
    Routine,
    Scope,
    TeachingClass,
    User,
)
from massage.services.teaching import class_code_new

DEMO_PASSWORD = "gentle-hands-demo"
DEMO_FAMILY = "The Demo Family"
DEMO_USERS = {
    "parent@example.com": ("Sam", Membership.Role.PARENT, False),
    "caregiver@example.com": ("Grandma Rose", Membership.Role.CAREGIVER, False),
    "instructor@example.com": ("Ines (instructor)", None, True),
}
DEMO_INSTRUCTOR = "instructor@example.com"
DEMO_CLASS = "Tuesday mornings"
# Two more families in the demo class, each with one parent, so the instructor's dashboard has
# something to compare: their made-up weeks come from `seed_demo_history` (in cues).
OKAFORS = "The Okafors"
BERGS = "The Bergs"
CLASS_FAMILIES = [
    {
        "name": OKAFORS,
        "parent": ("amara@example.com", "Amara"),
        "baby": ("Tobi", timedelta(weeks=7)),
        "scope": Scope.PRACTICE,
    },
    {
        "name": BERGS,
        "parent": ("jonas@example.com", "Jonas"),
        "baby": ("Elsa", timedelta(weeks=17)),
        "scope": Scope.EVERYTHING,
    },
]
# Staff, for the admin at /admin/ (where the library's routines are edited); in no family.
DEMO_ADMIN = ("admin@example.com", "Alex (admin)")


class Command(BaseCommand):
    help = "Create (or keep) the demo families, their babies, the demo class and the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        family, family_created = Family.objects.get_or_create(name=DEMO_FAMILY)
        for email, (name, role, is_instructor) in DEMO_USERS.items():
            user = _demo_user(email, name, is_instructor=is_instructor)
            if role:
                Membership.objects.get_or_create(user=user, family=family, defaults={"role": role})
        admin, created = User.objects.get_or_create(
            email=DEMO_ADMIN[0],
            defaults={"display_name": DEMO_ADMIN[1], "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        _verified(admin)
        instructor = User.objects.get(email=DEMO_INSTRUCTOR)
        InstructorProfile.objects.get_or_create(
            user=instructor,
            defaults={
                "practice_name": "Little Hands Classes",
                "credential": "Certified infant massage instructor (made-up demo)",
                "bio": "A demo instructor, linked to the demo families so its pages have data.",
            },
        )
        teaching_class = _demo_class(instructor)
        # The demo family shares its practice and cues with the demo instructor, once.
        parent = User.objects.get(email="parent@example.com")
        _share(family, instructor, parent, Scope.CUES, teaching_class)
        today = timezone.localdate()
        Baby.objects.get_or_create(
            family=family, name="Maya", defaults={"birth_date": today - timedelta(weeks=10)}
        )
        Baby.objects.get_or_create(
            family=family,
            name="Leo",
            defaults={
                "birth_date": today - timedelta(weeks=20),
                "due_date": today - timedelta(weeks=14),
            },
        )
        if family_created:
            self.stdout.write(
                f"Demo family: {DEMO_FAMILY} with Maya and Leo, in {DEMO_CLASS}, shares "
                f"{Scope.CUES.label}."
            )
        else:
            self.stdout.write(f"Demo family: {DEMO_FAMILY} is there already, left as is.")
        for plan in CLASS_FAMILIES:
            self.stdout.write(_class_family(plan, instructor, teaching_class))

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for each: {DEMO_PASSWORD}):"))
        for email, (name, _role, _inst) in DEMO_USERS.items():
            self.stdout.write(f"  {email:<24} {name}")
        for plan in CLASS_FAMILIES:
            email, name = plan["parent"]
            self.stdout.write(f"  {email:<24} {name}, of {plan['name']}")
        self.stdout.write(f"  {DEMO_ADMIN[0]:<24} {DEMO_ADMIN[1]}: the admin, at /admin/")


def _demo_user(email, name, *, is_instructor=False):
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "is_instructor": is_instructor}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    _verified(user)
    return user


def _verified(user):
    """Log-in asks for a confirmed address: the demo logins' are (made-up, nobody to mail)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )


def _share(family, instructor, parent, scope, teaching_class) -> bool:
    """Link the family to the instructor with `scope`, in the class, the first time only: a
    family that has since narrowed, stopped or left the class is left as it chose."""
    link, created = InstructorLink.objects.get_or_create(instructor=instructor, family=family)
    if created:
        Consent.objects.create(link=link, scope=scope, changed_by=parent)
        teaching_class.links.add(link)
    return created


def _class_family(plan, instructor, teaching_class) -> str:
    """One more demo family (a parent, a baby) sharing `plan["scope"]` in the demo class; what
    was done, or that it was there already, as a line to print."""
    family = Family.objects.filter(name=plan["name"]).first()
    if family is not None:
        return f"Demo family: {plan['name']} is there already, left as is."
    family = Family.objects.create(name=plan["name"])
    email, name = plan["parent"]
    parent = _demo_user(email, name)
    Membership.objects.get_or_create(
        user=parent, family=family, defaults={"role": Membership.Role.PARENT}
    )
    baby_name, age = plan["baby"]
    Baby.objects.create(family=family, name=baby_name, birth_date=timezone.localdate() - age)
    _share(family, instructor, parent, plan["scope"], teaching_class)
    scope = Scope(plan["scope"]).label
    return f"Demo family: {family.name} with {baby_name}, in {teaching_class.name}, shares {scope}."


def _demo_class(instructor):
    """The demo instructor's class, and this week's routine for it (made with the class)."""
    today = timezone.localdate()
    teaching_class, created = TeachingClass.objects.get_or_create(
        instructor=instructor,
        name=DEMO_CLASS,
        defaults={"starts_on": today - timedelta(weeks=2), "meets_on": 1},
    )
    if not teaching_class.join_code:  # families can ask to join with it
        class_code_new(teaching_class=teaching_class)
    if not created:
        return teaching_class
    routine = Routine.objects.filter(slug="newborn-first-touch", author=None).first()
    if routine is not None:
        Assignment.objects.create(
            instructor=instructor,
            routine=routine,
            teaching_class=teaching_class,
            note="Start with resting hands, and stop when your baby turns away.",
            times_per_week=3,
            starts_on=today - timedelta(days=today.weekday()),
        )
    return teaching_class
