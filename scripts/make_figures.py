"""Write the figures shown in the README and the documentation.

    python scripts/make_figures.py

They are drawn from the bundled sample data with `cxmetrics.plotting` (the
``plot`` extra) and committed under ``docs/images``; run the script again
after a change to the charts or to the data.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

import cxmetrics as cx
from cxmetrics import plotting

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    survey = cx.datasets.load_survey()
    regions = cx.by_segment(survey, cx.nps, column="nps", by="region")
    figure = Figure(figsize=(7, 3.2), layout="constrained")
    plotting.plot_segments(
        regions, overall=cx.nps(survey["nps"]), ax=figure.add_subplot()
    )
    figure.savefig(OUTPUT / "nps-by-region.png", dpi=100)


if __name__ == "__main__":
    main()
