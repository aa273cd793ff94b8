# Independent PNG reader for the tests: parses chunks with struct, checks every CRC with zlib.crc32, inflates
# IDAT with zlib and undoes all five PNG filters. Prints JSON: size, colour type, a SHA-256 of the RGBA pixels,
# the requested pixels, and (with --viridis) matplotlib's 8-bit viridis/coolwarm colours for requested t values.
import hashlib, json, struct, sys, zlib

def read_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
    pos, idat, header, chunks = 8, b'', None, []
    while pos < len(data):
        length, ctype = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(ctype + body) & 0xffffffff, 'CRC mismatch in ' + ctype.decode()
        chunks.append(ctype.decode())
        if ctype == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif ctype == b'IDAT':
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else: assert f == 0, 'filter %d' % f
        rows.append(bytes(line)); prev = line
    rgba = bytearray()
    for line in rows:
        for x in range(width):
            px = line[x * bpp:(x + 1) * bpp]
            rgba += px if bpp == 4 else px + b'\xff'
    return width, height, colour, chunks, bytes(rgba)

query = json.load(open(sys.argv[1]))
out = {}
for name, q in query.get('files', {}).items():
    w, h, colour, chunks, rgba = read_png(q['path'])
    pixels = [list(rgba[(y * w + x) * 4:(y * w + x) * 4 + 4]) for x, y in q.get('pixels', [])]
    out[name] = {'width': w, 'height': h, 'colour': colour, 'chunks': chunks,
                 'sha256': hashlib.sha256(rgba).hexdigest(), 'pixels': pixels}
if 'colormaps' in query:
    from matplotlib import cm
    for cmap, ts in query['colormaps'].items():
        m = cm.get_cmap(cmap)
        out[cmap] = [[int(round(255 * c)) for c in m(float(t))[:3]] for t in ts]
json.dump(out, sys.stdout)
