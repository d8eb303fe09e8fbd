"""The error every command raises for arguments it cannot use."""


class UsageError(Exception):
    """Wrong arguments; the message says what to type instead."""
