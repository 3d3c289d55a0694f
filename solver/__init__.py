"""The CP-SAT model of the rostering problem."""
