"""The one exception type a user may see: its message is Japanese and says what to do."""


class HikisupError(Exception):
    """A refusal with a reason for staff (wrong file, file open in Excel, bad setting...)."""
