"""The referee's checks, one module per rule family, each a ``check(judge)`` that records what
the roster breaks and what it pays; :mod:`roster.validation` runs them in the order of
:data:`roster.registry.FAMILIES`."""
