from massage.models.families import Baby, Family, Invitation, Membership
from massage.models.library import Focus, FocusTag, Routine, Step
from massage.models.teaching import (
    Assignment,
    Consent,
    HiddenAssignment,
    InstructorLink,
    InstructorProfile,
    JoinRequest,
    Scope,
    TeachingClass,
    TeachingInvitation,
)
from massage.models.users import User

__all__ = [
    "Assignment",
    "Baby",
    "Consent",
    "Family",
    "Focus",
    "FocusTag",
    "HiddenAssignment",
    "InstructorLink",
    "InstructorProfile",
    "Invitation",
    "JoinRequest",
    "Membership",
    "Routine",
    "Scope",
    "Step",
    "TeachingClass",
    "TeachingInvitation",
    "User",
]
