"""A BLISS-like scan writer for the end-of-scan test: /1.1/measurement/pilatus grows by one frame at a time (resizable
dataset, one chunk per frame, flush after each frame, no SWMR), and /1.1/end_time is written after the last frame, as
BLISS does when a scan ends. Frame i holds (k * 7 + i * 13) % 5000 for pixel k. Prints "ready" once the scan exists.
Usage: /usr/bin/python3 bliss_writer.py PATH FRAMES ROWS COLS DELAY_S"""
import sys, time
import numpy as np
import h5py

path, n, rows, cols, delay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
f = h5py.File(path, 'w', libver='earliest')
scan = f.create_group('1.1')
scan['start_time'] = '2024-03-05T10:00:00+00:00'
ds = scan.create_dataset('measurement/pilatus', shape=(0, rows, cols), maxshape=(None, rows, cols), dtype='i4', chunks=(1, rows, cols))
epoch = scan.create_dataset('measurement/epoch', shape=(0,), maxshape=(None,), dtype='f8')
f.flush()
print('ready', flush=True)
base = np.arange(rows * cols, dtype=np.int64).reshape(rows, cols) * 7
t0 = 1709632800.0
for i in range(n):
    time.sleep(delay)
    epoch.resize((i + 1,))
    epoch[i] = t0 + i * 0.1
    ds.resize((i + 1, rows, cols))
    ds[i] = ((base + i * 13) % 5000).astype('i4')
    f.flush()
time.sleep(delay)
scan['end_time'] = '2024-03-05T10:00:10+00:00'
f.close()
print('done', flush=True)
