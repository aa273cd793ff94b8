"""pyFAI's 2θ array for a PONI file (Debian python3-pyfai 0.21.3): usage poni_tth.py FILE.poni OUT.raw.
Writes float64 little-endian twoThetaArray() (radians, pixel centres) and prints "rows columns"."""
import sys
import pyFAI

ai = pyFAI.load(sys.argv[1])
tth = ai.twoThetaArray()
tth.astype("<f8").tofile(sys.argv[2])
print(tth.shape[0], tth.shape[1])
