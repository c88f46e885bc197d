"""The one error type a user ever sees: a short sentence that says where and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; its message is printed as one line, without a traceback."""


class GuideError(UserError):
    """A guide file has problems; ``problems`` holds one line per problem (file:line: message)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))
