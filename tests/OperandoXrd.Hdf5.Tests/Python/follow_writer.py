"""A LIMA-like writer for the follow-mode test: pre-sized dataset, one chunk per frame, flush after each frame, a pause
between frames. Frame i holds (k * 7 + i * 13) % 5000 for pixel k. Prints "ready" once the layout is on disk.
Usage: /usr/bin/python3 follow_writer.py PATH FRAMES ROWS COLS DELAY_S SWMR(0|1) none|bslz4 [ACQUISITION_FRAMES FIRST_INDEX]
(the last two for one file of a series: frames are numbered from FIRST_INDEX in the acquisition)"""
import sys, time
import numpy as np
import h5py

path, n, rows, cols, delay, swmr, comp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6] == '1', sys.argv[7]
total = int(sys.argv[8]) if len(sys.argv) > 8 else n
first = int(sys.argv[9]) if len(sys.argv) > 9 else 0
kw = dict(compression=32008, compression_opts=(0, 2)) if comp == 'bslz4' else {}
f = h5py.File(path, 'w', libver='latest' if swmr else 'earliest')
e = f.create_group('entry_0000')
e['start_time'] = '2024-03-05T10:00:00+00:00'
det = f.create_group('entry_0000/ESRF-BM31/pilatus')
ds = det.create_dataset('data', shape=(n, rows, cols), dtype='i4', chunks=(1, rows, cols), **kw)
tof = det.create_dataset('time_of_frame', shape=(n,), dtype='f8')
acq = det.create_group('acquisition')
acq['exposure_time'] = 0.08
acq['latency_time'] = 0.02
acq['nb_frames'] = total
f['entry_0000/measurement/data'] = h5py.SoftLink('/entry_0000/ESRF-BM31/pilatus/data')
if swmr:
    f.swmr_mode = True
f.flush()
print('ready', flush=True)
base = np.arange(rows * cols, dtype=np.int64).reshape(rows, cols) * 7
for i in range(n):
    g = first + i
    tof[i] = g * 0.1
    ds[i] = ((base + g * 13) % 5000).astype('i4')
    f.flush()
    time.sleep(delay)
f.close()
print('done', flush=True)
