"""cxmetrics: customer-experience metrics with honest confidence intervals.

Survey scores (NPS, CSAT, CES), service speed in business hours, Erlang C
staffing, churn, cohorts, Kaplan-Meier customer lifetime, revenue retention
and funnels, each with a confidence interval from the right model, with
comparisons, breakdowns by segment and trends over time.

>>> import cxmetrics as cx
>>> print(cx.nps([10, 9, 8, 6, 10, 9, 3, 7]))
NPS 25.0 (95% CI -29.4 to 65.8, adjusted Wald), n=8

The public names are those of the family modules' own ``__all__``: a metric
added to its module is exported here with nothing else to change.
"""

import importlib as _importlib
import typing as _typing

from cxmetrics import effort as _effort
from cxmetrics import journey as _journey
from cxmetrics import loyalty as _loyalty
from cxmetrics import results as _results
from cxmetrics import retention as _retention
from cxmetrics import scheduling as _scheduling
from cxmetrics import service as _service
from cxmetrics import staffing as _staffing
from cxmetrics import totals as _totals
from cxmetrics._validation import InputError
from cxmetrics.business_hours import BusinessCalendar
from cxmetrics.effort import *  # noqa: F403
from cxmetrics.journey import *  # noqa: F403
from cxmetrics.loyalty import *  # noqa: F403
from cxmetrics.results import *  # noqa: F403
from cxmetrics.retention import *  # noqa: F403
from cxmetrics.scheduling import *  # noqa: F403
from cxmetrics.service import *  # noqa: F403
from cxmetrics.staffing import *  # noqa: F403
from cxmetrics.totals import *  # noqa: F403

if _typing.TYPE_CHECKING:
    from cxmetrics import datasets, value
    from cxmetrics.comparisons import adjust_pvalues, compare
    from cxmetrics.segments import by_segment, over_time
    from cxmetrics.value import (
        BGNBDModel,
        GammaGammaModel,
        ParetoNBDModel,
        fit_bgnbd,
        fit_gamma_gamma,
        fit_pareto_nbd,
        holdout_check,
        lifetime_value,
        rfm_summary,
    )

__version__ = "0.1.0.dev0"

# Loaded on first use, so that `import cxmetrics` stays quick for services
# that never compare, segment, fit customer-value models or read the sample
# data: name -> its module.
_LAZY = {
    "BGNBDModel": "cxmetrics.value",
    "GammaGammaModel": "cxmetrics.value",
    "ParetoNBDModel": "cxmetrics.value",
    "adjust_pvalues": "cxmetrics.comparisons",
    "by_segment": "cxmetrics.segments",
    "compare": "cxmetrics.comparisons",
    "datasets": "cxmetrics.datasets",
    "fit_bgnbd": "cxmetrics.value",
    "fit_gamma_gamma": "cxmetrics.value",
    "fit_pareto_nbd": "cxmetrics.value",
    "holdout_check": "cxmetrics.value",
    "lifetime_value": "cxmetrics.value",
    "over_time": "cxmetrics.segments",
    "rfm_summary": "cxmetrics.value",
    "value": "cxmetrics.value",
}


def __getattr__(name: str) -> _typing.Any:
    """Import the module behind a lazily loaded public name (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'cxmetrics' has no attribute {name!r}")
    module = _importlib.import_module(_LAZY[name])
    value = module if module.__name__ == f"cxmetrics.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, the lazily loaded ones included."""
    return sorted(__all__)


# Show the public name in tracebacks and in the API reference.
InputError.__module__ = "cxmetrics"

__all__ = [
    "BGNBDModel",
    "BusinessCalendar",
    "GammaGammaModel",
    "InputError",
    "ParetoNBDModel",
    "__version__",
    "adjust_pvalues",
    "by_segment",
    "compare",
    "datasets",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "holdout_check",
    "lifetime_value",
    "over_time",
    "rfm_summary",
    "value",
]
__all__ += _effort.__all__
__all__ += _journey.__all__
__all__ += _loyalty.__all__
__all__ += _results.__all__
__all__ += _retention.__all__
__all__ += _scheduling.__all__
__all__ += _service.__all__
__all__ += _staffing.__all__
__all__ += _totals.__all__
