"""The detector for the live latency test: re-writes the frames of a finished LIMA series into a new series in another
folder at a fixed rate, the way LIMA saves (pre-sized dataset, one chunk per frame, flush after each frame, no SWMR,
the next file created once the previous one is full). Chunks are copied as stored (compressed), times and metadata
as written, so the new series holds exactly the old one's frames.
It prints "ready" once the first file's layout is on disk and then waits for a line on stdin before the first frame
(so that the reader's start-up is not counted); after each frame's flush it prints "flushed <global index> <unix
time>", the moment the frame is on disk.
Usage: /usr/bin/python3 live_writer.py SOURCE_FOLDER TARGET_FOLDER PERIOD_S"""
import glob, os, sys, time
import h5py

source, target, period = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = sorted(glob.glob(os.path.join(source, '*.h5')))
os.makedirs(target, exist_ok=True)
index = 0
next_due = None
for path in files:
    with h5py.File(path, 'r') as src:
        # /entry_0000/measurement/data is a soft link to the detector's dataset, next to time_of_frame and acquisition/.
        link = src.get('/entry_0000/measurement/data', getlink=True)
        data_path = link.path if isinstance(link, h5py.SoftLink) else '/entry_0000/measurement/data'
        data = src[data_path]
        det_path = data_path.rsplit('/', 1)[0]
        with h5py.File(os.path.join(target, os.path.basename(path)), 'w', libver='earliest') as f:
            f['entry_0000/start_time'] = src['entry_0000/start_time'][()]
            # The source's own creation properties: same chunks, filters and fill value, pre-sized like LIMA's.
            group = f.require_group(det_path)
            h5py.h5d.create(group.id, b'data', data.id.get_type(), h5py.h5s.create_simple(data.shape), dcpl=data.id.get_create_plist())
            ds = group['data']
            tof = f.create_dataset(det_path + '/time_of_frame', shape=(data.shape[0],), dtype='f8')
            src.copy(src[det_path + '/acquisition'], f[det_path], name='acquisition')
            f['entry_0000/measurement/data'] = h5py.SoftLink(det_path + '/data')
            f.flush()
            if next_due is None:
                print('ready', flush=True)
                sys.stdin.readline()
                next_due = time.time()
            for i in range(data.shape[0]):
                delay = next_due - time.time()
                if delay > 0:
                    time.sleep(delay)
                mask, chunk = data.id.read_direct_chunk((i, 0, 0))
                ds.id.write_direct_chunk((i, 0, 0), chunk, mask)
                tof[i] = src[det_path + '/time_of_frame'][i]
                f.flush()
                print('flushed %d %.6f' % (index, time.time()), flush=True)
                index += 1
                next_due += period
print('done', flush=True)
