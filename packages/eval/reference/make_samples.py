#!/usr/bin/env python3
"""Writes the small sample files the data-set readers are tested on, one per format, the way the
original tools write them (NumPy for .npy/.npz, base64 float32 for the feature TSVs).

Usage: python3 make_samples.py --out ../fixtures/samples
"""
import argparse
import base64
import csv
import json
import os

import numpy


def features(image_index, n, dim):
    # Values a test can recompute: feature[i, j] = image + i / 10 + j / 100.
    i, j = numpy.meshgrid(numpy.arange(n), numpy.arange(dim), indexing='ij')
    return (image_index + i / 10 + j / 100).astype(numpy.float32)


def boxes(n):
    return numpy.array([[k, k + 1, k + 10, k + 20] for k in range(n)], dtype=numpy.float32)


def b64(a):
    return base64.b64encode(numpy.ascontiguousarray(a).tobytes()).decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--out', required=True)
    out = p.parse_args().out
    os.makedirs(os.path.join(out, 'features'), exist_ok=True)

    # bottom-up-attention.pytorch: one .npz per image (compressed), and a plain .npy layout.
    numpy.savez_compressed(os.path.join(out, 'features', '42.npz'), x=features(0, 3, 8), bbox=boxes(3), num_bbox=3, image_h=480, image_w=640)
    numpy.savez(os.path.join(out, 'features', '43.npz'), features=features(1, 2, 8), boxes=boxes(2))
    numpy.save(os.path.join(out, 'features', '44.npy'), features(2, 4, 8))
    numpy.save(os.path.join(out, 'features', '44_boxes.npy'), boxes(4))

    # LXMERT / UNITER TSV (10 columns) and the original bottom-up-attention TSV (6 columns).
    with open(os.path.join(out, 'lxmert_features.tsv'), 'w', newline='') as f:
        w = csv.writer(f, delimiter='\t', lineterminator='\n')
        for k, (img, n) in enumerate([('COCO_val2014_000000000042', 3), ('COCO_val2014_000000000073', 2)]):
            w.writerow([img, 480, 640, b64(numpy.arange(n, dtype=numpy.int64)), b64(numpy.ones(n, numpy.float32)),
                        b64(numpy.zeros(n, numpy.int64)), b64(numpy.ones(n, numpy.float32)), n, b64(boxes(n)), b64(features(k, n, 8))])
    with open(os.path.join(out, 'butd_features.tsv'), 'w', newline='') as f:
        w = csv.writer(f, delimiter='\t', lineterminator='\n')
        w.writerow([42, 640, 480, 3, b64(boxes(3)), b64(features(0, 3, 8))])


if __name__ == '__main__':
    main()
