from massage.models.families import Baby, Family, Invitation, Membership
from massage.models.library import Focus, FocusTag, Routine, Step
from massage.models.teaching import (
    Consent,
    InstructorLink,
    InstructorProfile,
    Scope,
    TeachingInvitation,
)
from massage.models.users import User

__all__ = [
    "Baby",
    "Consent",
    "Family",
    "Focus",
    "FocusTag",
    "InstructorLink",
    "InstructorProfile",
    "Invitation",
    "Membership",
    "Routine",
    "Scope",
    "Step",
    "TeachingInvitation",
    "User",
]
