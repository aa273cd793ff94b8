"""lmfit reference for SequentialFitBenchmarks: the same pattern fitted the xrdfit way, with independent
pseudo-Voigt peaks (centre, sigma, amplitude, fraction each) on a cubic polynomial background.

Protocol (stdin/stdout, one line each): first line is a JSON file path with x, y, sigma and the start peaks;
then every "go" line runs one fit from the same start values and answers "done <nfev> <redchi> <seconds>".
The process stays alive so that the benchmark measures the fit, not the interpreter start-up.
Run with Debian's /usr/bin/python3 (python3-lmfit)."""
import json
import sys
import time

import numpy as np
from lmfit.models import PolynomialModel, PseudoVoigtModel

data = json.load(open(sys.stdin.readline().strip()))
x, y, s = np.array(data["x"]), np.array(data["y"]), np.array(data["sigma"])
model = PolynomialModel(degree=3, prefix="bkg_")
for i, _ in enumerate(data["peaks"]):
    model = model + PseudoVoigtModel(prefix=f"p{i}_")

start = model.make_params()
for k in range(4):
    start[f"bkg_c{k}"].set(value=data["background"][k] if k < len(data["background"]) else 0.0)
for i, peak in enumerate(data["peaks"]):
    # lmfit's pseudo-Voigt: sigma is the half width (FWHM = 2 sigma); amplitude is the area.
    start[f"p{i}_center"].set(value=peak["center"], min=peak["center"] - 0.05, max=peak["center"] + 0.05)
    start[f"p{i}_sigma"].set(value=peak["fwhm"] / 2, min=1e-4, max=0.2)
    start[f"p{i}_amplitude"].set(value=peak["area"], min=0)
    start[f"p{i}_fraction"].set(value=0.3, min=0, max=1)

print("ready", flush=True)
for line in sys.stdin:
    if line.strip() != "go":
        break
    t0 = time.perf_counter()
    result = model.fit(y, start.copy(), x=x, weights=1 / s, method="leastsq")
    print(f"done {result.nfev} {result.redchi:.4f} {time.perf_counter() - t0:.4f}", flush=True)
