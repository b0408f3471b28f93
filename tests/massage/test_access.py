"""The one access module: who may read a family's data, and who may change what in it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404

from massage import access
from massage.models import Family, Membership
from massage.selectors import families as family_selectors
from sessions import selectors as session_selectors
from sessions.models import MassageSession
from tests.factories import (
    BabyFactory,
    CueEventFactory,
    MassageSessionFactory,
    MembershipFactory,
)


def test_members_read_their_family_whatever_their_role(parent, caregiver, family, baby):
    for user in (parent, caregiver):
        assert list(access.readable_families(user)) == [family]
        assert list(access.readable_babies(user)) == [baby]
        assert family_selectors.family_of(user, family.pk) == family
        assert family_selectors.baby_of(user, baby.pk) == baby


def test_an_outsider_reads_nothing_of_the_family(outsider, family, baby):
    assert family not in access.readable_families(outsider)
    assert baby not in access.readable_babies(outsider)
    session = MassageSessionFactory(baby=baby)
    assert not session_selectors.sessions_of(outsider).filter(pk=session.pk).exists()
    with pytest.raises(Http404):
        family_selectors.family_of(outsider, family.pk)
    with pytest.raises(Http404):
        family_selectors.baby_of(outsider, baby.pk)
    with pytest.raises(Http404):
        session_selectors.session_of(outsider, session.pk)
    with pytest.raises(Http404):
        session_selectors.session_to_record(outsider, session.pk)


def test_a_visitor_who_is_not_logged_in_reads_and_changes_nothing(family):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.readable_families(anonymous).exists()
    assert not access.readable_babies(anonymous).exists()
    for change in (access.RECORD, access.MANAGE):
        assert not access.changeable_families(anonymous, change).exists()


def test_a_user_without_a_family_reads_nothing(user_without_family, family):
    assert not access.readable_families(user_without_family).exists()
    assert family_selectors.families_for_today(user_without_family) == []


def test_every_member_records_only_parents_manage(parent, caregiver, outsider, family):
    assert list(access.changeable_families(parent, access.RECORD)) == [family]
    assert list(access.changeable_families(parent, access.MANAGE)) == [family]
    assert list(access.changeable_families(caregiver, access.RECORD)) == [family]
    assert not access.changeable_families(caregiver, access.MANAGE).exists()
    assert family not in access.changeable_families(outsider, access.RECORD)


def test_a_caregiver_reads_but_may_not_manage_the_family(caregiver, family, baby):
    membership = Membership.objects.get(user=caregiver)
    assert access.may_change(membership, access.RECORD)
    assert not access.may_change(membership, access.MANAGE)
    with pytest.raises(PermissionDenied, match=r"Only the family's parents can do this\."):
        access.check_may_change(membership, access.MANAGE)
    with pytest.raises(PermissionDenied):
        family_selectors.parent_membership_in(caregiver, family.pk)
    # The baby is theirs to massage, not to rename or remove.
    assert family_selectors.baby_to_change(caregiver, baby.pk, access.RECORD) == baby
    with pytest.raises(PermissionDenied, match=r"Only the family's parents can do this\."):
        family_selectors.baby_to_change(caregiver, baby.pk, access.MANAGE)
    # …and the family page shows them no invitations to withdraw.
    assert family_selectors.family_page(membership)["pending_invitations"] == []


def test_a_parent_manages_their_family(parent, family, baby):
    membership = Membership.objects.get(user=parent)
    access.check_may_change(membership, access.MANAGE)
    assert family_selectors.parent_membership_in(parent, family.pk) == membership
    assert family_selectors.baby_to_change(parent, baby.pk, access.MANAGE) == baby


def test_changing_a_baby_outside_the_users_families_is_404_not_403(outsider, baby):
    for change in (access.RECORD, access.MANAGE):
        with pytest.raises(Http404):
            family_selectors.baby_to_change(outsider, baby.pk, change)


def test_baby_to_change_is_one_query(caregiver, baby, django_assert_num_queries):
    with django_assert_num_queries(1):
        family_selectors.baby_to_change(caregiver, baby.pk, access.RECORD)


def test_a_session_is_read_with_the_relations_asked_for_and_no_more(parent, baby):
    """`related=()` reads the massage alone (the player's saves), not every relation."""
    session = MassageSessionFactory(baby=baby, started_by=parent)
    relations = {"baby", "routine", "started_by"}
    for select, related, cached in [
        (session_selectors.session_to_record, (), set()),
        (session_selectors.session_of, ("baby",), {"baby"}),
        (session_selectors.session_of, session_selectors.SESSION_RELATED, {"baby", "routine"}),
    ]:
        found = select(parent, session.pk, related=related)
        read = {name for name in relations if MassageSession._meta.get_field(name).is_cached(found)}
        assert read == cached, (select.__name__, related)


def test_members_record_in_their_familys_sessions(parent, caregiver, outsider, baby):
    session = MassageSessionFactory(baby=baby, started_by=parent)
    for user in (parent, caregiver):
        assert session_selectors.session_to_record(user, session.pk) == session
    assert not session_selectors.sessions_to_record(outsider).exists()


def test_a_user_in_two_families_reads_each_baby_and_session_once(parent, family, baby):
    """Two memberships (a parent here, a caregiver in a grandchild's family), each family with
    more members: every family, baby and session is still one row."""
    other = MembershipFactory(user=parent, role=Membership.Role.CAREGIVER).family
    MembershipFactory(family=other)
    MembershipFactory(family=family, role=Membership.Role.CAREGIVER)
    cousin = BabyFactory(family=other)
    sessions = [MassageSessionFactory(baby=baby), MassageSessionFactory(baby=cousin)]

    assert sorted(f.pk for f in access.readable_families(parent)) == sorted([family.pk, other.pk])
    assert sorted(b.pk for b in family_selectors.babies_of(parent)) == sorted([baby.pk, cousin.pk])
    assert sorted(s.pk for s in session_selectors.sessions_of(parent)) == sorted(
        s.pk for s in sessions
    )
    assert [f.pk for f in family_selectors.families_for_today(parent)] == sorted(
        [family.pk, other.pk], key=lambda pk: Family.objects.get(pk=pk).name
    )
    # Only where they are a parent do they manage.
    assert list(access.changeable_families(parent, access.MANAGE)) == [family]


def test_two_ways_to_the_same_family_give_each_row_once(
    monkeypatch, parent, caregiver, family, baby
):
    """When a second way to read a family arrives (an instructor's consented link), a user who
    comes to it both ways still sees each family, baby and massage once, and counts over them are
    not multiplied (an OR across a join on the memberships would repeat each row per member)."""
    session = MassageSessionFactory(baby=baby)
    CueEventFactory(session=session)
    CueEventFactory(session=session)
    members_path = access._read_paths

    def with_a_second_path(user):
        return [*members_path(user), Family.objects.filter(pk=family.pk).values("pk")]

    monkeypatch.setattr(access, "_read_paths", with_a_second_path)

    assert list(access.readable_families(parent)) == [family]
    assert list(family_selectors.babies_of(parent)) == [baby]
    assert list(session_selectors.sessions_of(parent)) == [session]
    assert [f.pk for f in family_selectors.families_for_today(parent)] == [family.pk]
    counted = session_selectors.sessions_of(parent).annotate(cues_n=Count("cues")).get()
    assert counted.cues_n == 2


def test_a_second_way_to_read_gives_no_right_to_change(monkeypatch, outsider, family, baby):
    """Reading a family another way (as an instructor will) is not membership: nothing to
    record in, nothing to manage."""
    monkeypatch.setattr(
        access, "_read_paths", lambda user: [Family.objects.filter(pk=family.pk).values("pk")]
    )
    assert family_selectors.baby_of(outsider, baby.pk) == baby
    with pytest.raises(PermissionDenied):
        family_selectors.baby_to_change(outsider, baby.pk, access.RECORD)
    session = MassageSessionFactory(baby=baby)
    assert session_selectors.session_of(outsider, session.pk) == session
    with pytest.raises(Http404):
        session_selectors.session_to_record(outsider, session.pk)
