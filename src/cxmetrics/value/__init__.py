"""Probabilistic customer value: buy-till-you-die models and lifetime value.

For non-contractual businesses, where customers never cancel and simply
stop buying. `rfm_summary` turns a purchase log into one history per
customer; `fit_bgnbd` or `fit_pareto_nbd` model how often customers buy
and when they drop out, `fit_gamma_gamma` how much they spend;
`lifetime_value` puts the two together; `holdout_check` tests a purchase
model on a period it has not seen. For a subscription business with a
churn rate, `cxmetrics.clv` is the simpler tool.

The module is loaded on first use (``cx.fit_bgnbd`` and the others are
lazy names of the top-level package), so ``import cxmetrics`` stays free of
scipy.
"""

from cxmetrics.value.bgnbd import BGNBDModel, fit_bgnbd
from cxmetrics.value.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from cxmetrics.value.lifetime import lifetime_value
from cxmetrics.value.pareto_nbd import ParetoNBDModel, fit_pareto_nbd
from cxmetrics.value.summary import holdout_check, rfm_summary

__all__ = [
    "BGNBDModel",
    "GammaGammaModel",
    "ParetoNBDModel",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "holdout_check",
    "lifetime_value",
    "rfm_summary",
]
