"""One module per rule family; each ``build(ctx)`` adds the family's constraints and returns its
penalty terms (see :mod:`solver.registry`)."""
