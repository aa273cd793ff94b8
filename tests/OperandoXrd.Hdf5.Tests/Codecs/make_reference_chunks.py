# Writes chunks produced by the real implementations (bitshuffle 0.3.5 HDF5 plugin, H5Zlz4 plugin, bitshuffle's
# Python extension) next to the raw bytes they decode to. Used by ReferenceChunkTests.
import os, sys
os.environ.setdefault('HDF5_PLUGIN_PATH', '/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins')
import numpy as np, h5py, bitshuffle

out = sys.argv[1]
rng = np.random.default_rng(20261122)

def pilatus(rows, cols, dtype):
    y, x = np.mgrid[0:rows, 0:cols]
    r = np.hypot(y - rows * 0.55, x - cols * 0.48)
    mean = 3.0 + 40.0 * np.exp(-((r % 180.0) - 90.0) ** 2 / 30.0) + 2000.0 / (r + 40.0)
    frame = rng.poisson(mean).astype(np.int64)
    # Pilatus2M module gaps (487x195 modules, 7- and 17-pixel gaps) are -1, a few dead pixels -2.
    for k in range(1, 3):
        frame[:, k * 487 + (k - 1) * 7: k * 494] = -1
    for k in range(1, 8):
        frame[k * 195 + (k - 1) * 17: k * 212, :] = -1
    dead = rng.integers(0, frame.size, 40)
    frame.flat[dead] = -2
    if np.dtype(dtype).kind == 'u':
        frame[frame < 0] = np.iinfo(dtype).max
    return frame.astype(dtype)

cases = []  # name, filter, element size, array, compression_opts
cases.append(('bs_pilatus2m_i4', 32008, pilatus(1679, 1475, np.int32), (0, 2)))
cases.append(('bs_odd_u2', 32008, pilatus(1, 100003, np.uint16).ravel(), (0, 2)))
cases.append(('bs_odd_f4', 32008, (pilatus(1, 77777, np.int32).ravel() * 0.37).astype(np.float32), (0, 2)))
cases.append(('bs_block256_i4', 32008, pilatus(1, 10005, np.int32).ravel(), (256, 2)))
cases.append(('bs_tiny_i1', 32008, np.arange(13, dtype=np.int8), (0, 2)))
cases.append(('bs_u8', 32008, rng.integers(0, 1 << 40, 1001).astype(np.uint64), (0, 2)))
cases.append(('bs_random_u1', 32008, rng.integers(0, 256, 20011).astype(np.uint8), (0, 2)))
cases.append(('lz4_pilatus2m_i4', 32004, pilatus(1679, 1475, np.int32), ()))
cases.append(('lz4_random_blocks_i4', 32004, rng.integers(0, 2**31, 5000).astype(np.int32), (4096,)))
cases.append(('lz4_mixed_blocks_u2', 32004, np.concatenate([pilatus(1, 30001, np.uint16).ravel(), rng.integers(0, 65535, 9000).astype(np.uint16)]), (1000,)))

with h5py.File(os.path.join(out, 'reference.h5'), 'w') as f, open(os.path.join(out, 'manifest.txt'), 'w') as manifest:
    for name, filt, data, opts in cases:
        kw = dict(compression=filt)
        if opts:
            kw['compression_opts'] = opts
        d = f.create_dataset(name, data=data, chunks=data.shape, **kw)
        mask, chunk = d.id.read_direct_chunk((0,) * data.ndim)
        assert mask == 0
        assert np.array_equal(d[...], data)
        open(os.path.join(out, name + '.chunk'), 'wb').write(chunk)
        open(os.path.join(out, name + '.raw'), 'wb').write(data.tobytes())
        manifest.write(f'{name} {filt} {data.dtype.itemsize}\n')

    # A 3-byte element, through bitshuffle's Python extension (HDF5 has no 3-byte numeric type); the plugin's
    # 12-byte header is added exactly as the plugin writes it.
    v3 = rng.integers(0, 256, 3 * 4099).astype(np.uint8).view('V3')
    body = bitshuffle.compress_lz4(v3, 512).tobytes()
    header = (v3.nbytes).to_bytes(8, 'big') + (512 * 3).to_bytes(4, 'big')
    open(os.path.join(out, 'ext_v3.chunk'), 'wb').write(header + body)
    open(os.path.join(out, 'ext_v3.raw'), 'wb').write(v3.tobytes())
    manifest.write('ext_v3 32008 3\n')
print('done')
