"""Reads a reduced.h5's NXdata groups the way NeXus readers do (h5py, then silx) and prints what they found as JSON.
Usage: /usr/bin/python3 nxdata_check.py reduced.h5"""
import json, sys
import numpy as np
import h5py
import silx.io
from silx.io import nxdata


def strings(v):
    """An attribute as h5py returns it: a list only when it is an array of strings, else its type name."""
    if isinstance(v, np.ndarray) and v.ndim == 1 and all(isinstance(x, (str, bytes)) for x in v):
        return [x.decode() if isinstance(x, bytes) else x for x in v]
    return type(v).__name__ + ':' + str(v)


out = {}
with h5py.File(sys.argv[1], 'r') as f:
    for name in ('/entry/integrated', '/entry/contour'):
        g = f[name]
        out[name] = {k: strings(g.attrs[k]) for k in ('axes', 'auxiliary_signals') if k in g.attrs}
        out[name]['shape'] = list(g[g.attrs['signal']].shape)

with silx.io.open(sys.argv[1]) as f:
    default = nxdata.get_default(f)
    out['default'] = None if default is None else default.group.name
    out['default_axes'] = None if default is None else list(default.axes_names)
    for name in ('/entry/integrated', '/entry/contour'):
        out[name]['silx_valid'] = bool(nxdata.is_valid_nxdata(f[name]))
    integrated = nxdata.NXdata(f['/entry/integrated'])
    out['silx_auxiliary'] = list(integrated.auxiliary_signals_names)
json.dump(out, sys.stdout)
