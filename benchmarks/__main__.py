"""``python -m benchmarks SUITE [--time-limit S] [--workers K] [--repeat R] [--instances ...]``."""

from benchmarks.runner import main

raise SystemExit(main())
