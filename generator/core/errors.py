"""The errors the library raises for the CLI to report: a message for the user and an exit code."""


class GeneratorError(Exception):
    """A failure the user should read as one line, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(GeneratorError):
    """The user asked for something we refuse (a bad name, an occupied directory): exit 2."""

    exit_code = 2


class OperationFailed(GeneratorError):
    """The request was fine but carrying it out failed (git missing, disk, template): exit 1."""

    exit_code = 1


class BrokenProject(OperationFailed):
    """A file of the project cannot be read or makes no sense: exit 1, the project needs fixing."""
