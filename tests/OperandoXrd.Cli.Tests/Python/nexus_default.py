"""How NeXus readers find the plot of an oxrd output: silx follows @default from the root to an NXdata; h5py reads that
group's axes and auxiliary_signals (a list only when the attribute is an array of strings). Prints JSON.
Usage: /usr/bin/python3 nexus_default.py FILE.h5"""
import json, sys
import numpy as np
import h5py
from silx.io import nxdata


def strings(v):
    if isinstance(v, np.ndarray) and v.ndim == 1 and all(isinstance(x, (str, bytes)) for x in v):
        return [x.decode() if isinstance(x, bytes) else x for x in v]
    return type(v).__name__ + ':' + str(v)


with h5py.File(sys.argv[1], 'r') as f:
    d = nxdata.get_default(f)
    out = {'default': None if d is None else d.group.name}
    if d is not None:
        g = f[d.group.name]
        out.update({k: strings(g.attrs[k]) for k in ('axes', 'auxiliary_signals') if k in g.attrs})
        out['signal_shape'] = list(d.signal.shape)
json.dump(out, sys.stdout)
