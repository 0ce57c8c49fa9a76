#!/usr/bin/env python3
"""Writes the seed inputs of the AFL++ targets into fuzz/corpus/TARGET/ (small valid files of each format)."""
import gzip, json, os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))

def write(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)

# IDX images: 3 images of 4 x 5 pixels (magic 0x00000803, count, rows, columns), raw and gzip.
pixels = bytes((i * 37) % 256 for i in range(3 * 4 * 5))
idx = struct.pack(">iiii", 0x803, 3, 4, 5) + pixels
write("idx", "images-3x4x5", idx)
write("idx", "images-3x4x5.gz", gzip.compress(idx, mtime=0))

# safetensors: two F32 tensors and metadata, laid out as the library writes them (8-byte aligned data).
def safetensors(tensors, metadata):
    header, data = {"__metadata__": metadata}, b""
    for name, shape, values in tensors:
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data

write("safetensors", "linear.safetensors", safetensors(
    [("linear.weight", [3, 2], [0.5, -1.0, 0.25, 2.0, -0.125, 1.5]), ("linear.bias", [2], [0.1, -0.2])],
    {"convnet.checkpoint_version": "1", "convnet.model": "simple"}))

# PNG: a 12 x 10 grayscale picture of a dark stroke on light paper (IHDR, one IDAT, IEND).
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

width, height = 12, 10
rows = b"".join(b"\x00" + bytes(30 if abs(x - 5 - y // 3) < 2 else 235 for x in range(width)) for y in range(height))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
write("image", "stroke.png", png)
