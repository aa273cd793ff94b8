"""Reads files written by OperandoXrd's writers with h5py (plugins from HDF5_PLUGIN_PATH) and dumps what it finds:
<name>.h5py.bin (frames as stored) and <name>.h5py.json (shape, dtype, filters, times, links).
Usage: /usr/bin/python3 read_ours.py MANIFEST.json  (a list of {"name", "file", "kind": "lima" | "dectris"})"""
import json, os, sys
import numpy as np
import h5py


def text(v):
    v = v[()] if hasattr(v, 'shape') else v
    return v.decode() if isinstance(v, bytes) else str(v)


def filters(ds):
    plist = ds.id.get_create_plist()
    out = []
    for i in range(plist.get_nfilters()):
        fid, flags, values, name = plist.get_filter(i)
        out.append(dict(id=int(fid), values=[int(v) for v in values]))
    return out


cases = json.load(open(sys.argv[1]))
folder = os.path.dirname(os.path.abspath(sys.argv[1]))
for c in cases:
    path = os.path.join(folder, c['file'])
    meta = {}
    with h5py.File(path, 'r') as f:
        if c['kind'] == 'lima':
            ds = f['/entry_0000/measurement/data']
            link = f['/entry_0000/measurement'].get('data', getlink=True)
            meta['link'] = link.path
            data = ds[()]
            det = link.path.rsplit('/', 1)[0]
            meta['start_time'] = text(f['/entry_0000/start_time'])
            meta['nx_class'] = text(f['/entry_0000'].attrs['NX_class'])
            meta['time_of_frame'] = f[det + '/time_of_frame'][()].tolist() if det + '/time_of_frame' in f else None
            meta['exposure_time'] = float(f[det + '/acquisition/exposure_time'][()])
            meta['latency_time'] = float(f[det + '/acquisition/latency_time'][()])
            meta['nb_frames'] = int(f[det + '/acquisition/nb_frames'][()])
        else:
            names = sorted(k for k in f['/entry/data'].keys() if k.startswith('data_'))
            parts = [f['/entry/data/' + k] for k in names]
            ds = parts[0]
            data = np.concatenate([p[()] for p in parts])
            meta['links'] = [f['/entry/data'].get(k, getlink=True).filename for k in names]
            meta['start_time'] = text(f['/entry/instrument/detector/detectorSpecific/data_collection_date'])
            meta['count_time'] = float(f['/entry/instrument/detector/count_time'][()])
            meta['frame_time'] = float(f['/entry/instrument/detector/frame_time'][()])
            meta['nimages'] = int(f['/entry/instrument/detector/detectorSpecific/nimages'][()])
        meta['dtype'] = str(data.dtype)
        meta['shape'] = list(data.shape)
        meta['chunks'] = list(ds.chunks) if ds.chunks else None
        meta['filters'] = filters(ds)
    data.tofile(os.path.join(folder, c['name'] + '.h5py.bin'))
    json.dump(meta, open(os.path.join(folder, c['name'] + '.h5py.json'), 'w'))
print(len(cases), 'files read')
