"""Reference values for HourlyDispersion (issue #12): the robust hourly dispersion estimate and the z-test with the
between-hour variance added, computed with numpy/scipy on fixed inputs. Run: python3 make_dispersion_fixtures.py
and paste the printed values into HourlyDispersionTests.swift (the Swift tests must not need Python)."""
import numpy as np
from scipy import stats

# 24 hours of (trials, passes): a beta-binomial-like series with between-hour variation, fixed here.
trials = [2800, 2850, 2790, 2900, 2760, 2810, 2880, 2830, 2795, 2870, 2805, 2840,
          2815, 2860, 2790, 2825, 2850, 2800, 2885, 2770, 2835, 2810, 2845, 2800]
rates = [0.912, 0.905, 0.918, 0.899, 0.921, 0.910, 0.903, 0.915, 0.925, 0.896, 0.911, 0.908,
         0.917, 0.902, 0.913, 0.906, 0.920, 0.909, 0.900, 0.914, 0.907, 0.919, 0.904, 0.916]
passes = [int(round(n * r)) for n, r in zip(trials, rates)]
n = np.array(trials, float); s = np.array(passes, float)
p = np.median(s / n); q = p * (1 - p)  # centred on the median hour's rate
ratios = (s / n - p) ** 2 / (q / n)
phi = np.median(ratios) / stats.chi2.ppf(0.5, 1)
tau2 = max(0.0, phi - 1) * q / np.median(n)
sigma2 = tau2 / q ** 2
print("passes", passes)
print("chi2_1 median", repr(stats.chi2.ppf(0.5, 1)))
print("phi", repr(phi), "logit variance", repr(sigma2))

# The test: current hour 2843 trials at 88.15 % against 37644 at 91.20 %, 24 reference hours.
c_n, c_s, r_n, r_s = 2843, 2506, 37644, 34331
pooled = (c_s + r_s) / (c_n + r_n)
diff = c_s / c_n - r_s / r_n
extra = (pooled * (1 - pooled)) ** 2 * sigma2 * (1 + 1 / 24)
var = pooled * (1 - pooled) * (1 / c_n + 1 / r_n) + extra
print("p with dispersion", repr(stats.norm.cdf(diff / np.sqrt(var))))
print("p binomial", repr(stats.norm.cdf(diff / np.sqrt(pooled * (1 - pooled) * (1 / c_n + 1 / r_n)))))
