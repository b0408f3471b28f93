"""Create the demo family for local development. Safe to run again: nothing is duplicated."""

from datetime import timedelta

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
DEMO_USERS = {
    "parent@example.com": ("Sam", Membership.Role.PARENT, False),
    "caregiver@example.com": ("Grandma Rose", Membership.Role.CAREGIVER, False),
    "instructor@example.com": ("Ines (instructor)", None, True),
}
# Staff, for the admin at /admin/ (where the library's routines are edited); in no family.
DEMO_ADMIN = ("admin@example.com", "Alex (admin)")


class Command(BaseCommand):
    help = "Create (or keep) the demo family, its babies and the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        family, _ = Family.objects.get_or_create(name="The Demo Family")
        for email, (name, role, is_instructor) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                email=email, defaults={"display_name": name, "is_instructor": is_instructor}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role:
                Membership.objects.get_or_create(user=user, family=family, defaults={"role": role})
        admin, created = User.objects.get_or_create(
            email=DEMO_ADMIN[0],
            defaults={"display_name": DEMO_ADMIN[1], "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        instructor = User.objects.get(email="instructor@example.com")
        InstructorProfile.objects.get_or_create(
            user=instructor,
            defaults={
                "practice_name": "Little Hands Classes",
                "credential": "Certified infant massage instructor (made-up demo)",
                "bio": "A demo instructor, linked to the demo family so its pages have data.",
            },
        )
        # The demo family shares its practice and cues with the demo instructor, once.
        link, created = InstructorLink.objects.get_or_create(instructor=instructor, family=family)
        if created:
            parent = User.objects.get(email="parent@example.com")
            Consent.objects.create(link=link, scope=Scope.CUES, changed_by=parent)
        _demo_class(instructor, link)
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
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for each: {DEMO_PASSWORD}):"))
        for email, (name, _role, _inst) in DEMO_USERS.items():
            self.stdout.write(f"  {email:<24} {name}")
        self.stdout.write(f"  {DEMO_ADMIN[0]:<24} {DEMO_ADMIN[1]}: the admin, at /admin/")


def _demo_class(instructor, link):
    """The demo instructor's class with the demo family, and this week's routine for it."""
    today = timezone.localdate()
    teaching_class, created = TeachingClass.objects.get_or_create(
        instructor=instructor,
        name="Tuesday mornings",
        defaults={"starts_on": today - timedelta(weeks=2), "meets_on": 1},
    )
    if not teaching_class.join_code:  # families can ask to join with it
        class_code_new(teaching_class=teaching_class)
    if not created:
        return
    teaching_class.links.add(link)
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
