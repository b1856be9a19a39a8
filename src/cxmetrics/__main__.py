"""``python -m cxmetrics``: the ``cxmetrics`` command."""

from cxmetrics.cli import main

raise SystemExit(main())
