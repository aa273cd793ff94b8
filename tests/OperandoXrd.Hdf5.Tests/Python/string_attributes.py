"""Writes string-array attributes the ways h5py does, for the safe layer to read back.
Usage: /usr/bin/python3 string_attributes.py FILE.h5"""
import sys
import numpy as np
import h5py

with h5py.File(sys.argv[1], 'w') as f:
    g = f.create_group('data')
    g.attrs['variable'] = ['time', 'radial', 'µ']                              # list of str: variable-length UTF-8
    g.attrs['fixed'] = np.array([b'frame', b'2th_deg'], dtype='S7')            # numpy bytes: fixed-length, NUL-padded
    g.attrs['scalar'] = 'intensity'
