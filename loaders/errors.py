"""The data loaders' own error type."""


class DataError(ValueError):
    """Data the app cannot use; the message names the problem and the fix."""
