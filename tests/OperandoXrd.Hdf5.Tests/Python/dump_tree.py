"""Dumps every group and dataset of an HDF5 file as JSON (attrs, shape, dtype, values, chunks, maxshape), with h5py.
Usage: /usr/bin/python3 dump_tree.py FILE.h5 OUT.json"""
import json, sys
import numpy as np
import h5py


def plain(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()] if v.dtype.kind in 'SOU' else v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


tree = {}


def visit(name, obj):
    entry = dict(attrs={k: plain(v) for k, v in obj.attrs.items()})
    if isinstance(obj, h5py.Dataset):
        entry.update(kind='dataset', shape=list(obj.shape), dtype=str(obj.dtype), chunks=list(obj.chunks) if obj.chunks else None,
                     maxshape=[-1 if m is None else m for m in obj.maxshape] if obj.maxshape else None, value=plain(obj[()]))
    else:
        entry['kind'] = 'group'
    tree['/' + name] = entry


with h5py.File(sys.argv[1], 'r') as f:
    f.visititems(visit)
json.dump(tree, open(sys.argv[2], 'w'))
