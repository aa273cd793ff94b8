"""The detector of `oxrd bench soak`: writes FRAMES frames into a LIMA-like series in TARGET at RATE frames/s, as LIMA
saves (files pre-sized to PER_FILE frames, the last to the remainder; one chunk per frame; a flush after each frame;
no SWMR; acquisition/nb_frames = FRAMES; time_of_frame = index / RATE). The frames' chunks are copied, as stored
(bitshuffle-LZ4), round-robin from a finished series in SOURCE, so writing costs little more than the I/O.
Prints "progress <frames> <seconds>" every 1000 frames and "done <frames> <seconds>" at the end.
Usage: /usr/bin/python3 soak_writer.py SOURCE_FOLDER TARGET_FOLDER FRAMES RATE PER_FILE"""
import glob, os, sys, time
import h5py

source, target, frames, rate, per_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
chunks = []
with h5py.File(sorted(glob.glob(os.path.join(source, '*.h5')))[0], 'r') as src:
    link = src.get('/entry_0000/measurement/data', getlink=True)
    data_path = link.path if isinstance(link, h5py.SoftLink) else '/entry_0000/measurement/data'
    data = src[data_path]
    det_path = data_path.rsplit('/', 1)[0]
    dtype, dcpl, shape = data.id.get_type(), data.id.get_create_plist(), data.shape[1:]
    for i in range(data.shape[0]):
        chunks.append(data.id.read_direct_chunk((i, 0, 0)))
    exposure = float(src[det_path + '/acquisition/exposure_time'][()])
os.makedirs(target, exist_ok=True)
start = time.time()
due = start
index = 0
k = 0
while index < frames:
    n = min(per_file, frames - index)
    with h5py.File(os.path.join(target, 'soak_%04d.h5' % k), 'w', libver='earliest') as f:
        f['entry_0000/start_time'] = time.strftime('%Y-%m-%dT%H:%M:%S+00:00', time.gmtime(start))
        group = f.require_group(det_path)
        h5py.h5d.create(group.id, b'data', dtype, h5py.h5s.create_simple((n,) + shape), dcpl=dcpl)
        ds = group['data']
        tof = group.create_dataset('time_of_frame', shape=(n,), dtype='f8')
        acq = group.create_group('acquisition')
        acq['exposure_time'] = exposure
        acq['latency_time'] = max(1.0 / rate - exposure, 0.0)
        acq['nb_frames'] = frames
        f['entry_0000/measurement/data'] = h5py.SoftLink(det_path + '/data')
        f.flush()
        for i in range(n):
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            mask, chunk = chunks[index % len(chunks)]
            ds.id.write_direct_chunk((i, 0, 0), chunk, mask)
            tof[i] = index / rate
            f.flush()
            index += 1
            due += 1.0 / rate
            if index % 1000 == 0:
                print('progress %d %.3f' % (index, time.time() - start), flush=True)
    k += 1
print('done %d %.3f' % (index, time.time() - start), flush=True)
