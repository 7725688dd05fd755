#!/usr/bin/env python3
"""Compares two cascade output files bit for bit, dataset by dataset.

Ignored, because they are not results: the summary's wall_time_s column and the created_utc
attributes. Everything else (every dataset, every compound field, every other attribute) must be
identical. Usage: compare_h5.py A.h5 B.h5  (exit 0 if identical, 1 otherwise)
"""
import sys

import h5py
import numpy as np

IGNORED_FIELDS = {"wall_time_s"}
IGNORED_ATTRS = {"created_utc"}


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    return out


def same_array(a, b):
    if a.dtype.names:
        if a.dtype.names != b.dtype.names or a.shape != b.shape:
            return False
        return all(same_array(a[n], b[n]) for n in a.dtype.names if n not in IGNORED_FIELDS)
    if a.dtype.kind == "f":
        return a.shape == b.shape and np.array_equal(a.view(np.uint64 if a.itemsize == 8 else np.uint32),
                                                     b.view(np.uint64 if b.itemsize == 8 else np.uint32))
    return a.shape == b.shape and np.array_equal(a, b)


def main(path_a, path_b):
    problems = []
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        ia, ib = items(fa), items(fb)
        if sorted(ia) != sorted(ib):
            problems.append(f"different objects: {sorted(set(ia) ^ set(ib))}")
        compared = 0
        for name in sorted(set(ia) & set(ib)):
            a, b = ia[name], ib[name]
            for key in set(a.attrs) | set(b.attrs):
                if key in IGNORED_ATTRS or key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    continue
                if key not in a.attrs or key not in b.attrs or not np.array_equal(np.asarray(a.attrs[key]), np.asarray(b.attrs[key])):
                    problems.append(f"{name}: attribute {key} differs")
            if isinstance(a, h5py.Dataset):
                compared += 1
                if not same_array(a[()] if a.shape != () else np.asarray(a[()]), b[()] if b.shape != () else np.asarray(b[()])):
                    problems.append(f"{name}: data differs")
    for p in problems:
        print("DIFF", p)
    print(f"compared {compared} datasets: {'identical' if not problems else 'DIFFERENT'}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
