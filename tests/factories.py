from datetime import timedelta

import factory
from django.utils import timezone

from massage.models import Baby, Family, Membership, User

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Family {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    family = factory.SubFactory(FamilyFactory)
    role = Membership.Role.PARENT


class BabyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baby

    family = factory.SubFactory(FamilyFactory)
    name = factory.Sequence(lambda n: f"Baby {n}")
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(weeks=12))
