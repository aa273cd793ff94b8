"""Independent reference image: a calibrant rendered by pyFAI (Debian python3-pyfai 0.21.3).

usage: fake_calibrant.py OUT.raw CALIBRANT DETECTOR DIST PONI1 PONI2 ROT1 ROT2 WAVELENGTH_M FWHM_DEG PEAK BACKGROUND SEED
Writes OUT.raw: little-endian int32 rows × columns (pyFAI's detector shape), Poisson counts of
BACKGROUND + PEAK × fake_calibration_image (rings of unit height, Gaussian FWHM FWHM_DEG, solid angle applied);
module gaps are −1 as a Pilatus writes them. Prints "rows columns".
"""
import sys
import numpy
import pyFAI
import pyFAI.calibrant
import pyFAI.detectors
from pyFAI.azimuthalIntegrator import AzimuthalIntegrator

out, name, det = sys.argv[1], sys.argv[2], sys.argv[3]
dist, poni1, poni2, rot1, rot2, wavelength, fwhm, peak, background = map(float, sys.argv[4:13])
seed = int(sys.argv[13])
detector = pyFAI.detectors.detector_factory(det)
ai = AzimuthalIntegrator(dist=dist, poni1=poni1, poni2=poni2, rot1=rot1, rot2=rot2, rot3=0,
                         detector=detector, wavelength=wavelength)
cal = pyFAI.calibrant.get_calibrant(name)
cal.wavelength = wavelength
w = numpy.deg2rad(fwhm) ** 2
img = cal.fake_calibration_image(ai, W=w)
img = img / img.max()
rng = numpy.random.default_rng(seed)
counts = rng.poisson(background + peak * img).astype("<i4")
mask = detector.mask
if mask is not None:
    counts[mask.astype(bool)] = -1
counts.tofile(out)
print(counts.shape[0], counts.shape[1])
