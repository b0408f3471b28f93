"""The application's errors and the HTTP statuses the views answer with, in one place.

A service refuses a change by raising an ``AppError`` (or an app's subclass: FamilyError,
SessionError, CueError) whose message is shown to the user and whose ``code`` says what kind of
refusal it is. ``STATUSES`` is the one table from a code to an HTTP status: a view answers an
error with ``error.status``, and answers without one (a form with mistakes, a link that is gone)
with the constants below, named like the codes.
"""

from enum import StrEnum


class Code(StrEnum):
    CONFLICT = "conflict"  # not possible as things are: it ended, was already used, is running
    MALFORMED = "malformed"  # the request can't be understood (a background save sent nonsense)
    INVALID = "invalid"  # a form a person filled in has mistakes to fix
    GONE = "gone"  # what a link stood for is no more (expired, withdrawn)
    UNAVAILABLE = "unavailable"  # the server can't do it just now (storage down): try again


STATUSES: dict[Code, int] = {
    Code.MALFORMED: 400,
    Code.CONFLICT: 409,
    Code.GONE: 410,
    Code.INVALID: 422,
    Code.UNAVAILABLE: 503,
}

MALFORMED = STATUSES[Code.MALFORMED]
CONFLICT = STATUSES[Code.CONFLICT]
GONE = STATUSES[Code.GONE]
# Form pages answer invalid input with this status, so clients and tests can tell it apart.
INVALID = STATUSES[Code.INVALID]
UNAVAILABLE = STATUSES[Code.UNAVAILABLE]


class AppError(Exception):
    """A change that can't be made; the message is shown to the user."""

    code = Code.CONFLICT

    @property
    def status(self) -> int:
        """The HTTP status a view answers this error with."""
        return STATUSES[self.code]
