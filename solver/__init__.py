"""The CP-SAT model of the rostering problem: ``solve(problem)`` returns a ``SolveResult``."""

from solver.model import BuiltModel, build_model
from solver.solve import solve

__all__ = ["BuiltModel", "build_model", "solve"]
