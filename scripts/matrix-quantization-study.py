#!/usr/bin/python3
"""How much precision a compact bbox integration matrix may drop (issue 18, docs/performance.md).

Builds the Pilatus2M bbox matrix of calibration/bm31-pilatus2m.poni (3000 bins, 2θ) with Debian's pyFAI 0.21.3 and
numpy, integrates one simulated Poisson frame (sharp rings on a background, solid angle × polarization 0.99), and
compares per bin (count = Σc, normalization = Σc·norm, I, σ) the float weights against:
  (a) 16-bit fractions per (pixel, bin), the rounding remainder given to the pixel's last bin (sum stays exact);
  (b) the pixel's two edges stored as fixed point with 16 or 20 fractional bits, weights recomputed from them.
Run: /usr/bin/python3 scripts/matrix-quantization-study.py   (about a minute; needs python3-pyfai)
"""
import os
import numpy as np
import pyFAI
from pyFAI.ext.splitBBoxCSR import HistoBBox1d

NPT = 3000
poni = os.path.join(os.path.dirname(__file__), "..", "calibration", "bm31-pilatus2m.poni")
ai = pyFAI.load(poni)
shape = ai.detector.shape
masked = ai.detector.mask.ravel().astype(bool)
tth = ai.array_from_unit(shape, "center", "2th_deg", scale=False).ravel()
dtth = ai.array_from_unit(shape, "delta", "2th_deg", scale=False).ravel()
norm_all = (ai.solidAngleArray(shape) * ai.polarization(shape, 0.99)).ravel()
rng = np.random.default_rng(1)
frame = rng.poisson(1000 * (1 + 5 * np.exp(-((tth % 0.05) - 0.025) ** 2 / 2e-5)) * norm_all).astype(float)


def report(title, ref, test):
    print(title)
    ok = ref[0] > 0
    for name, a, z in zip(["count", "norm", "I", "sigma"], ref, test):
        d = np.abs(z[ok] - a[ok]) / np.abs(a[ok])
        print(f"  {name:6s} rel diff max {d.max():.2e} median {np.median(d):.2e}  bins > 1e-6: {(d > 1e-6).sum()} of {ok.sum()}")


# (a) pyFAI's own CSR, re-sorted pixel-major, fractions quantized to uint16.
csr = HistoBBox1d(tth, dtth, bins=NPT, mask=masked.astype(np.int8), allow_pos0_neg=False, unit="2th_deg")
data, pixel, ptr = csr.data.astype(np.float64), csr.indices, csr.indptr
binof = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
order = np.lexsort((binof, pixel))
pix, b, c = pixel[order], binof[order], data[order]
starts = np.flatnonzero(np.r_[True, pix[1:] != pix[:-1]])
ends = np.r_[starts[1:], len(pix)]
total = np.repeat(np.add.reduceat(c, starts), ends - starts)
q = np.round(c / total * 65535).astype(np.int64)
q[ends - 1] += 65535 - np.add.reduceat(q, starts)
cq = q / 65535.0 * total
x, v, n = frame[pix], np.maximum(frame[pix], 1), norm_all[pix]


def csr_sums(w):
    cnt, nrm = np.bincount(b, w, NPT), np.bincount(b, w * n, NPT)
    return cnt, nrm, np.bincount(b, w * x, NPT) / nrm, np.sqrt(np.bincount(b, w * w * v, NPT)) / nrm


print(f"{len(starts)} pixels, {len(c)} pairs; 16-bit fractions: max abs error per weight {np.abs(cq - c).max():.1e}")
report("(a) 16-bit fractions per (pixel, bin), remainder to the last bin:", csr_sums(c), csr_sums(cq))

# (b) the pixel's edges in bin units, float64 against fixed point.
keep = ~masked
lo_edge, hi_edge = np.maximum((tth - dtth)[keep], 0), (tth + dtth)[keep]
p0, p1 = lo_edge.min(), hi_edge.max() * (1 + np.finfo(np.float32).eps)
width = (p1 - p0) / NPT
fmin, fmax = (lo_edge - p0) / width, (hi_edge - p0) / width
xk, vk, nk = frame[keep], np.maximum(frame[keep], 1), norm_all[keep]


def edge_sums(fmin, fmax):
    b0 = np.floor(fmin).astype(int)
    b1 = np.minimum(np.floor(fmax).astype(int), NPT - 1)
    span = fmax - fmin
    acc = [np.zeros(NPT) for _ in range(4)]
    for k in range(int((b1 - b0).max()) + 1):
        bb = b0 + k
        sel = bb <= b1
        w = ((np.minimum(fmax, bb + 1) - np.maximum(fmin, bb)) / span)[sel]
        for a, val in zip(acc, [w, w * nk[sel], w * xk[sel], w * w * vk[sel]]):
            a += np.bincount(bb[sel], val, NPT)
    cnt, nrm, s, var = acc
    return cnt, nrm, s / nrm, np.sqrt(var) / nrm


ref = edge_sums(fmin, fmax)
for bits in (16, 20):
    fixed = lambda f: np.round(f * 2.0 ** bits) / 2.0 ** bits
    report(f"(b) edges as fixed point with {bits} fractional bits:", ref, edge_sums(fixed(fmin), fixed(fmax)))
