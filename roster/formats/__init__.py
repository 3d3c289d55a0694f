"""Readers and writers for external rostering benchmarks.

* :mod:`roster.formats.curtois` - the Curtois & Qu shift scheduling instances 1-24.
* :mod:`roster.formats.timefold` - Timefold's employee-scheduling demo instances (frozen).
* :mod:`roster.formats.ortools_example` - OR-Tools' ``shift_scheduling_sat.py`` example.

Each reader turns an instance into a :class:`roster.model.Problem` whose objective, as defined by
the domain model, equals the benchmark's own objective (up to ``Problem.objective_offset``, which
the readers set so that the two numbers are identical).
"""
