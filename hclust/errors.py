"""The clustering core's own error type."""


class ClusteringError(ValueError):
    """A request the clustering core cannot honour.

    The message is meant for the user: it names the problem, the rule and
    the valid choices or the fix.
    """
