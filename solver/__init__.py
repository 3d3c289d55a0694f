"""The CP-SAT model of the rostering problem: ``solve(problem)`` returns a ``SolveResult``."""

from solver.build import BuiltModel, build_model
from solver.search import solve

__all__ = ["BuiltModel", "build_model", "solve"]
