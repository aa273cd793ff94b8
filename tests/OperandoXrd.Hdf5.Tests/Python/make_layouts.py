"""Writes every frame layout OperandoXrd must read, with h5py (Debian python3-h5py + filter plugins), plus the truth:
raw frames as stored (<case>.bin) and the frame times computed here with Python's datetime (manifest.json).
Usage: /usr/bin/python3 make_layouts.py OUTDIR"""
import json, os, sys
from datetime import datetime, timezone
import numpy as np
import h5py

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
os.chdir(out)
rng = np.random.default_rng(20240305)
ROWS, COLS = 37, 29
BSLZ4 = dict(compression=32008, compression_opts=(0, 2))
LZ4 = dict(compression=32004, compression_opts=(0,))
cases = []
cases_stats = {}


def epoch(iso):
    t = datetime.fromisoformat(iso)
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()


def frames(n, dtype, rows=ROWS, cols=COLS):
    if np.dtype(dtype).kind == 'f':
        return rng.normal(100.0, 30.0, size=(n, rows, cols)).astype(dtype)
    a = rng.poisson(40, size=(n, rows, cols)).astype(np.int64)
    a[:, rows // 3, :] = 100000 if np.dtype(dtype).itemsize >= 4 else 1000  # a bright line
    a[:, :, 5] = -1                                                          # a masked column (module gap)
    info = np.iinfo(dtype)
    if info.min == 0:
        a[a < 0] = info.max                                                  # unsigned: all-ones marks invalid
    return a.astype(dtype)


def lima(path, data, det='pilatus', start_time=None, tof=None, exposure=None, latency=None, nb_frames=None, chunks=None, **filters):
    n, r, c = data.shape
    with h5py.File(path, 'w') as f:
        e = f.create_group('entry_0000'); e.attrs['NX_class'] = 'NXentry'
        if start_time is not None:
            e['start_time'] = start_time
        ins = e.create_group('ESRF-BM31'); ins.attrs['NX_class'] = 'NXinstrument'
        d = ins.create_group(det); d.attrs['NX_class'] = 'NXdetector'
        ds = d.create_dataset('data', data=data, chunks=chunks or (1, r, c), **filters)
        if tof is not None:
            d['time_of_frame'] = np.asarray(tof, dtype='f8')
        acq = d.create_group('acquisition')
        if exposure is not None:
            acq['exposure_time'] = exposure
        if latency is not None:
            acq['latency_time'] = latency
        if nb_frames is not None:
            acq['nb_frames'] = nb_frames
        m = e.create_group('measurement')
        m['data'] = h5py.SoftLink('/entry_0000/ESRF-BM31/%s/data' % det)


def stats(data):
    # What `oxrd inspect --frames` reports, with the documented mapping: unsigned all-ones pixels are masked (-1).
    if data.dtype.kind == 'u':
        v = data.astype(np.float64)
        v[data == np.iinfo(data.dtype).max] = -1
    else:
        v = data.astype(np.float64)
    out = []
    for f in v:
        good = f[f >= 0]
        out.append([float(good.sum()), int((f < 0).sum()), float(good.min()), float(good.max())])
    return out


def case(name, file, data, layout, rule, times, exposure, direct=True, dataset=None, frames_used=None):
    data.tofile(name + '.bin')
    cases_stats[name] = stats(data)
    cases.append(dict(name=name, file=file, dataset=dataset, layout=layout, rule=rule, dtype=str(data.dtype),
                      frames=int(data.shape[0]), rows=int(data.shape[1]), cols=int(data.shape[2]),
                      bin=name + '.bin', times=[float(t) for t in times], exposure=[float(x) for x in exposure], direct=direct))


# 1. LIMA, uncompressed int32, start_time + time_of_frame (rule 2)
st = '2024-03-05T10:11:12.250+01:00'
tof = [0.0, 1.5, 3.25, 4.0]
a = frames(4, np.int32)
lima('lima_none.h5', a, start_time=st, tof=tof, exposure=1.0, latency=0.5)
case('lima_none', 'lima_none.h5', a, 'LIMA', 'StartTimePlusRelative', [epoch(st) + t for t in tof], [1.0] * 4)

# 2. LIMA, bitshuffle-LZ4 int32, start_time (no zone = UTC) + index x (exposure + latency) (rule 3)
st2 = '2024-03-05T09:00:00'
a = frames(5, np.int32)
lima('lima_bslz4.h5', a, start_time=st2, exposure=0.2, latency=0.05, **BSLZ4)
case('lima_bslz4', 'lima_bslz4.h5', a, 'LIMA', 'StartTimePlusPeriod', [epoch(st2) + i * 0.25 for i in range(5)], [0.2] * 5)

# 3. LIMA, LZ4 uint32 with 0xFFFFFFFF pixels, no times at all (rule: unknown)
a = frames(3, np.uint32)
lima('lima_lz4.h5', a, **LZ4)
case('lima_lz4', 'lima_lz4.h5', a, 'LIMA', 'Unknown', [0.0, 1.0, 2.0], [0.0] * 3)

# 4. LIMA, shuffle + deflate uint16 with 0xFFFF pixels, nanosecond start_time (rule 2)
st4 = '2024-03-05T10:00:00.123456789+00:00'
a = frames(3, np.uint16)
lima('lima_deflate.h5', a, start_time=st4, tof=[0.0, 0.5, 1.0], exposure=0.4, shuffle=True, compression='gzip', compression_opts=4)
case('lima_deflate', 'lima_deflate.h5', a, 'LIMA', 'StartTimePlusRelative', [epoch('2024-03-05T10:00:00.123456+00:00') + 0.0000007 + t for t in [0.0, 0.5, 1.0]], [0.4] * 3)

# 5. float32, uncompressed
a = frames(2, np.float32)
lima('lima_float.h5', a, start_time=st2, exposure=0.5)
case('lima_float', 'lima_float.h5', a, 'LIMA', 'StartTimePlusPeriod', [epoch(st2), epoch(st2) + 0.5], [0.5] * 2)

# 6. chunks spanning two frames and half a frame (no direct chunk read possible: library path), bslz4
a = frames(4, np.int32)
lima('lima_oddchunks.h5', a, start_time=st2, exposure=0.2, chunks=(2, ROWS, 15), **BSLZ4)
case('lima_oddchunks', 'lima_oddchunks.h5', a, 'LIMA', 'StartTimePlusPeriod', [epoch(st2) + i * 0.2 for i in range(4)], [0.2] * 4, direct=False)

# 7. a Pilatus2M-sized bitshuffle-LZ4 file (the real block structure: many 8 kB blocks and a remainder)
big = rng.poisson(3, size=(2, 1679, 1475)).astype(np.int32)
big[:, 195:212, :] = -1
big[:, :, 487:494] = -1
big[1, 800, 700] = 1048575
lima('lima_pilatus.h5', big, start_time=st2, exposure=0.1, **BSLZ4)
case('lima_pilatus', 'lima_pilatus.h5', big, 'LIMA', 'StartTimePlusPeriod', [epoch(st2), epoch(st2) + 0.1], [0.1] * 2)

# 8. a LIMA series: two files sharing the acquisition start, nb_frames = 6 (rule 3 counts across files)
os.makedirs('series', exist_ok=True)
st8 = '2024-03-05T11:00:00+02:00'
s = frames(6, np.int32)
lima('series/scan_0000.h5', s[:3], start_time=st8, exposure=0.1, latency=0.0, nb_frames=6, **BSLZ4)
lima('series/scan_0001.h5', s[3:], start_time=st8, exposure=0.1, latency=0.0, nb_frames=6, **BSLZ4)
case('series', 'series', s, 'LIMA series', 'StartTimePlusPeriod', [epoch(st8) + i * 0.1 for i in range(6)], [0.1] * 6)

# 9. BLISS scan file: measurement/pilatus is a virtual dataset over the two series files; epoch per frame (rule 1)
t0 = epoch(st8)
ep = [t0 + 0.013 + i * 0.1 + (0.001 if i % 2 else 0.0) for i in range(6)]
with h5py.File('bliss_vds.h5', 'w') as f:
    scan = f.create_group('1.1'); scan.attrs['NX_class'] = 'NXentry'
    scan['start_time'] = st8
    layout = h5py.VirtualLayout(shape=(6, ROWS, COLS), dtype='i4')
    layout[0:3] = h5py.VirtualSource('series/scan_0000.h5', '/entry_0000/ESRF-BM31/pilatus/data', shape=(3, ROWS, COLS))
    layout[3:6] = h5py.VirtualSource('series/scan_0001.h5', '/entry_0000/ESRF-BM31/pilatus/data', shape=(3, ROWS, COLS))
    m = scan.create_group('measurement')
    m.create_virtual_dataset('pilatus', layout)
    m['epoch'] = np.asarray(ep)
    m['elapsed_time'] = np.arange(6) * 0.1
    ins = scan.create_group('instrument/pilatus/acquisition')
    ins['exposure_time'] = 0.09
case('bliss_vds', 'bliss_vds.h5', s, 'BLISS', 'EpochPerFrame', ep, [0.09] * 6)

# 10. BLISS scan whose measurement/pilatus is an external link into a LIMA file; start_time + elapsed_time (rule 2)
st10 = '2024-03-06T08:30:00.5+00:00'
el = [0.0, 2.0, 4.5, 6.0]
with h5py.File('bliss_ext.h5', 'w') as f:
    scan = f.create_group('2.1')
    scan['start_time'] = st10
    m = scan.create_group('measurement')
    m['pilatus'] = h5py.ExternalLink('lima_none.h5', '/entry_0000/ESRF-BM31/pilatus/data')
    m['elapsed_time'] = np.asarray(el)
a = np.fromfile('lima_none.bin', dtype=np.int32).reshape(4, ROWS, COLS)
case('bliss_ext', 'bliss_ext.h5', a, 'BLISS', 'StartTimePlusRelative', [epoch(st10) + t for t in el], [1.0] * 4)

# 11. Dectris master + two data files (uint32, bitshuffle-LZ4): start + index x frame_time (rule 3)
st11 = '2024-03-07T12:00:00.000+01:00'
d = frames(5, np.uint32)
for k, part in enumerate([d[:3], d[3:]]):
    with h5py.File('eiger_data_%06d.h5' % (k + 1), 'w') as f:
        ds = f.create_dataset('entry/data/data', data=part, chunks=(1, ROWS, COLS), **BSLZ4)
        ds.attrs['image_nr_low'] = 3 * k + 1
        ds.attrs['image_nr_high'] = 3 * k + len(part)
with h5py.File('eiger_master.h5', 'w') as f:
    f['entry/data/data_000001'] = h5py.ExternalLink('eiger_data_000001.h5', '/entry/data/data')
    f['entry/data/data_000002'] = h5py.ExternalLink('eiger_data_000002.h5', '/entry/data/data')
    f['entry/instrument/detector/count_time'] = 0.05
    f['entry/instrument/detector/frame_time'] = 0.06
    f['entry/instrument/detector/detectorSpecific/data_collection_date'] = st11
    f['entry/instrument/detector/detectorSpecific/nimages'] = 5
case('dectris', 'eiger_master.h5', d, 'Dectris', 'StartTimePlusPeriod', [epoch(st11) + i * 0.06 for i in range(5)], [0.05] * 5)

# Bad input
with h5py.File('bad_rank2.h5', 'w') as f:
    f['entry_0000/measurement/data'] = np.zeros((ROWS, COLS), dtype=np.int32)
with h5py.File('bad_float64.h5', 'w') as f:
    f['entry_0000/measurement/data'] = np.zeros((2, ROWS, COLS), dtype=np.float64)
with h5py.File('bad_missing_link.h5', 'w') as f:
    f['entry/data/data_000001'] = h5py.ExternalLink('eiger_data_000001.h5', '/entry/data/data')
    f['entry/data/data_000002'] = h5py.ExternalLink('gone_data_000002.h5', '/entry/data/data')

for c in cases:
    c['stats'] = cases_stats[c['name']]
with open('manifest.json', 'w') as f:
    json.dump(cases, f, indent=1)
print(len(cases), 'cases')
