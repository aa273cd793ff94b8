"""The detector for the end-of-scan tests: re-writes a finished LIMA series into TARGET at PERIOD_S per frame, as LIMA
saves (pre-sized dataset, one chunk per frame, flush after each frame, no SWMR, the next file once one is full).
Options: --start-delay S  wait S seconds before creating the first file;
--no-nb-frames  leave acquisition/nb_frames out (the reader cannot know the acquisition's size);
--marker NAME  create TARGET/NAME once the last frame is flushed (an end marker).
Prints "flushed <index>" after each frame and "done" at the end.
Usage: /usr/bin/python3 scan_writer.py SOURCE_FOLDER TARGET_FOLDER PERIOD_S [options]"""
import argparse, glob, os, sys, time
import h5py

p = argparse.ArgumentParser()
p.add_argument('source'); p.add_argument('target'); p.add_argument('period', type=float)
p.add_argument('--start-delay', type=float, default=0); p.add_argument('--no-nb-frames', action='store_true')
p.add_argument('--marker')
a = p.parse_args()
files = sorted(glob.glob(os.path.join(a.source, '*.h5')))
os.makedirs(a.target, exist_ok=True)
time.sleep(a.start_delay)
index = 0
for path in files:
    with h5py.File(path, 'r') as src:
        link = src.get('/entry_0000/measurement/data', getlink=True)
        data_path = link.path if isinstance(link, h5py.SoftLink) else '/entry_0000/measurement/data'
        data = src[data_path]
        det_path = data_path.rsplit('/', 1)[0]
        with h5py.File(os.path.join(a.target, os.path.basename(path)), 'w', libver='earliest') as f:
            f['entry_0000/start_time'] = src['entry_0000/start_time'][()]
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
            for i in range(data.shape[0]):
                time.sleep(a.period)
                mask, chunk = data.id.read_direct_chunk((i, 0, 0))
                ds.id.write_direct_chunk((i, 0, 0), chunk, mask)
                tof[i] = src[det_path + '/time_of_frame'][i]
                f.flush()
                print('flushed %d' % index, flush=True)
                index += 1
if a.marker:
    open(os.path.join(a.target, a.marker), 'w').close()
print('done', flush=True)
