"""Domain errors that views turn into messages."""


class DomainError(Exception):
    """A business rule refused the change; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    """The workflow does not allow this status change."""


class NotAllowed(DomainError):
    """The rule forbids this actor from doing this."""


class InvalidField(DomainError):
    """A value a rule refuses; field names the form input it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
