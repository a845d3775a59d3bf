"""The updates app's models: change requests with their evidence and events, field verification
tasks, and Muskel sessions."""

from .muskel import MuskelAttendee, MuskelItem, MuskelSession
from .requests import ChangeRequest, RequestEvent, RequestEvidence
from .verification import VerificationTask

__all__ = [
    "ChangeRequest",
    "MuskelAttendee",
    "MuskelItem",
    "MuskelSession",
    "RequestEvent",
    "RequestEvidence",
    "VerificationTask",
]
