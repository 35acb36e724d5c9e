"""The error types every layer shares; each message says what to do next."""


class NewsdeskError(Exception):
    """Base class for failures a user can act on."""


class IndexNotFound(NewsdeskError):
    """No index exists where one was expected."""


class IndexFormatError(NewsdeskError):
    """An index exists but cannot be used (damaged, other version or model)."""


class CorpusFormatError(NewsdeskError):
    """An article file cannot be read."""


class CorpusNotFound(NewsdeskError):
    """The corpus folder is missing or holds no article files."""


class ModelNotFound(NewsdeskError):
    """The embedding model cannot be loaded from local files."""


class QuestionTooLong(NewsdeskError):
    """A question is longer than the configured maximum."""


class EmptyQuestion(NewsdeskError):
    """A question has no words to search for."""


class UnreadableQuestion(NewsdeskError):
    """A question is not valid text (bytes that are not UTF-8)."""


class ConfigError(NewsdeskError):
    """A setting is missing or invalid."""
