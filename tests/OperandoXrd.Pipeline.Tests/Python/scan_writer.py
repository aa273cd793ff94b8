"""The detector for the live tests: re-writes the frames of a finished LIMA series into a new series in TARGET at a
fixed rate, the way LIMA saves (pre-sized dataset, one chunk per frame, flush after each frame, no SWMR, the next file
created once the previous one is full). Chunks are copied as stored (compressed), times and metadata as written, so
the new series holds exactly the old one's frames. After each frame's flush it prints "flushed <global index> <unix
time>", the moment the frame is on disk; "done" at the end.
Options: --ready  print "ready" once the first file's layout is on disk, then wait for a line on stdin before the first
frame (so that the reader's start-up is not counted as latency);
--no-nb-frames  leave acquisition/nb_frames out (the reader cannot know the acquisition's size);
--marker NAME  create TARGET/NAME once the last frame is flushed (an end marker).
Usage: /usr/bin/python3 scan_writer.py SOURCE_FOLDER TARGET_FOLDER PERIOD_S [options]"""
import argparse, glob, os, sys, time
import h5py

p = argparse.ArgumentParser()
p.add_argument('source'); p.add_argument('target'); p.add_argument('period', type=float)
p.add_argument('--ready', action='store_true'); p.add_argument('--no-nb-frames', action='store_true')
p.add_argument('--marker')
a = p.parse_args()
files = sorted(glob.glob(os.path.join(a.source, '*.h5')))
os.makedirs(a.target, exist_ok=True)
index = 0
next_due = None
for path in files:
    with h5py.File(path, 'r') as src:
        # /entry_0000/measurement/data is a soft link to the detector's dataset, next to time_of_frame and acquisition/.
        link = src.get('/entry_0000/measurement/data', getlink=True)
        data_path = link.path if isinstance(link, h5py.SoftLink) else '/entry_0000/measurement/data'
        data = src[data_path]
        det_path = data_path.rsplit('/', 1)[0]
        with h5py.File(os.path.join(a.target, os.path.basename(path)), 'w', libver='earliest') as f:
            f['entry_0000/start_time'] = src['entry_0000/start_time'][()]
            # The source's own creation properties: same chunks, filters and fill value, pre-sized like LIMA's.
            group = f.require_group(det_path)
            h5py.h5d.create(group.id, b'data', data.id.get_type(), h5py.h5s.create_simple(data.shape), dcpl=data.id.get_create_plist())
            ds = group['data']
            tof = f.create_dataset(det_path + '/time_of_frame', shape=(data.shape[0],), dtype='f8')
            acq = f.require_group(det_path + '/acquisition')
            for name, value in src[det_path + '/acquisition'].items():
                if not (a.no_nb_frames and name == 'nb_frames'):
                    acq[name] = value[()]
            f['entry_0000/measurement/data'] = h5py.SoftLink(det_path + '/data')
            f.flush()
            if next_due is None:
                if a.ready:
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
                next_due += a.period
if a.marker:
    open(os.path.join(a.target, a.marker), 'w').close()
print('done', flush=True)
