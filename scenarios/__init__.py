"""Built-in scenarios: one folder per office (site.yaml, policy.yaml, staff.csv, absences.csv,
requests.csv, fixed.csv), read with :func:`roster.io.load_scenario`; see ``README.md`` here for
the formats. :mod:`scenarios.generator` builds synthetic sites of any size."""

DEFAULT = "service-centre"
