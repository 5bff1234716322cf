"""The one exception type the core raises for anything a user must be told about."""


class SegdeskError(Exception):
    """A problem with the user's input (file, template, session), told in one line."""
