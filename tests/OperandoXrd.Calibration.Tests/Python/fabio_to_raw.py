"""Reads an image with fabio (Debian python3-fabio) exactly as fabio returns it (no flip) and writes it as raw
little-endian int32. usage: fabio_to_raw.py IMAGE OUT.raw; prints "rows columns"."""
import sys
import fabio

data = fabio.open(sys.argv[1]).data
data.astype("<i4").tofile(sys.argv[2])
print(data.shape[0], data.shape[1])
