# Decodes chunks written by our encoders with the real implementations: each chunk is written with
# write_direct_chunk into a dataset carrying the filter, then read back through the plugin.
import os, sys
os.environ.setdefault('HDF5_PLUGIN_PATH', '/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins')
import numpy as np, h5py, bitshuffle

folder = sys.argv[1]
dtypes = {1: np.uint8, 2: np.uint16, 4: np.int32, 8: np.uint64}
with h5py.File(os.path.join(folder, 'ours.h5'), 'w') as f:
    for line in open(os.path.join(folder, 'ours.txt')):
        name, filt, es = line.split()
        filt, es = int(filt), int(es)
        raw = np.frombuffer(open(os.path.join(folder, name + '.raw'), 'rb').read(), dtype=dtypes[es])
        chunk = open(os.path.join(folder, name + '.ours'), 'rb').read()
        d = f.create_dataset(name, shape=raw.shape, dtype=raw.dtype, chunks=raw.shape, compression=filt,
                             **({'compression_opts': (0, 2)} if filt == 32008 else {}))
        d.id.write_direct_chunk((0,), chunk)
        back = d[...]
        ok = np.array_equal(back, raw)
        if filt == 32008:
            # The Python extension too, on the body after the 12-byte header.
            block = int.from_bytes(chunk[8:12], 'big') // es
            ext = bitshuffle.decompress_lz4(np.frombuffer(chunk[12:], np.uint8), raw.shape, raw.dtype, block)
            ok = ok and np.array_equal(ext, raw)
        print(('OK ' if ok else 'FAIL ') + name)
