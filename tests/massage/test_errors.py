"""One error vocabulary: every app's refusals are AppErrors, and a code names one HTTP status."""

import pytest

from cues.services import CueError
from massage import errors
from massage.services.families import FamilyError, InvitationError
from sessions.services import SessionConflict, SessionError, SessionInputError


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (FamilyError("no"), 409),
        (InvitationError("no"), 409),
        (SessionError("no"), 409),
        (SessionConflict("no", session=None), 409),
        (SessionInputError("no"), 400),
        (CueError("no"), 409),
    ],
)
def test_every_app_error_is_an_app_error_with_the_status_of_its_code(error, status):
    assert isinstance(error, errors.AppError)
    assert error.status == errors.STATUSES[error.code] == status
    assert str(error) == "no"


def test_every_code_has_one_status_and_the_named_statuses_come_from_the_table():
    assert set(errors.STATUSES) == set(errors.Code)
    assert len(set(errors.STATUSES.values())) == len(errors.Code)
    assert (errors.MALFORMED, errors.CONFLICT, errors.GONE, errors.INVALID) == (400, 409, 410, 422)
    assert errors.UNAVAILABLE == 503
