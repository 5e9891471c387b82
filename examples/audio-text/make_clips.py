"""Spoken-free "sound captions" of the teaching world: one synthesised clip per colour and shape.

Run from this folder with /usr/bin/python3 (numpy): python3 make_clips.py
The pitch says the colour and the rhythm or timbre says the shape, so a caption such as
"a red circle" names exactly one clip:
  colour -> fundamental: red 220, orange 277, yellow 330, green 392, blue 466, purple 554 Hz
  shape  -> circle: one steady sine; square: a square-like tone (odd harmonics 1, 3, 5);
            triangle: three short beeps; cross: two long beeps; star: a fast tremolo
Writes clips.json (every clip, its caption and whether it is held out), clips/<colour>_<shape>.wav (8 kHz, 16-bit mono, 0.5 s), heldout.jsonl (6 pairs, each
colour and each shape once, never seen together in training) and train.jsonl: the other 24
pairs, each as its clean clip and as 3 variants in train/ (32 kbit/s MP3, whose coding noise varies them further) with
another loudness and a later onset, so the model learns pitch and rhythm rather
than the exact samples.
"""
import json
import os
import subprocess
import wave
import numpy as np

SR, N = 8000, 4000
COLOURS = {"red": 220.0, "orange": 277.0, "yellow": 330.0, "green": 392.0, "blue": 466.0, "purple": 554.0}
SHAPES = ["circle", "square", "triangle", "cross", "star"]
t = np.arange(N) / SR


def gate(starts, length):
    g = np.zeros(N)
    for s in starts:
        a, b = int(s * SR), min(N, int((s + length) * SR))
        ramp = np.minimum(1, np.minimum(np.arange(b - a), np.arange(b - a)[::-1]) / 40)
        g[a:b] = ramp
    return g


def clip(f, shape, delay=0.0):
    global t
    t0 = t
    t = np.maximum(np.arange(N) / SR - delay, 0)
    try:
        return _clip(f, shape) * (np.arange(N) / SR >= delay)
    finally:
        t = t0


def _clip(f, shape):
    sine = np.sin(2 * np.pi * f * t)
    if shape == "circle":
        x = sine * gate([0.02], 0.46)
    elif shape == "square":
        x = (sine + np.sin(2 * np.pi * 3 * f * t) / 3 + np.sin(2 * np.pi * 5 * f * t) / 5) * gate([0.02], 0.46) * 0.8
    elif shape == "triangle":
        x = sine * gate([0.02, 0.18, 0.34], 0.1)
    elif shape == "cross":
        x = sine * gate([0.02, 0.27], 0.2)
    else:
        x = sine * (0.55 + 0.45 * np.sin(2 * np.pi * 16 * t)) * gate([0.02], 0.46)
    return 0.6 * x


rows = []
for c, f in COLOURS.items():
    for s in SHAPES:
        x = np.round(clip(f, s) * 32767).astype("<i2")
        name = f"clips/{c}_{s}.wav"
        with wave.open(name, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SR)
            w.writeframes(x.tobytes())
        rows.append({"audio": name, "text": f"{'an' if c == 'orange' else 'a'} {c} {s}"})

held = {(c, SHAPES[k % 5]) for k, c in enumerate(COLOURS)}
os.makedirs("train", exist_ok=True)
with open("train.jsonl", "w") as tr, open("heldout.jsonl", "w") as ho:
    for r in rows:
        _, c, s = r["text"].split()
        if (c, s) in held:
            ho.write(json.dumps(r) + "\n")
            continue
        tr.write(json.dumps(r) + "\n")
        for v, (gain, delay) in enumerate([(0.5, 0.03), (1.3, 0.0), (0.8, 0.06)]):
            x = np.clip(clip(COLOURS[c], s, delay) * gain, -1, 1)
            pcm = np.round(x * 32767).astype("<i2")
            name = f"train/{c}_{s}_{v}.mp3"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(SR), "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "32k", name],
                           input=pcm.tobytes(), check=True)
            tr.write(json.dumps({"audio": name, "text": r["text"]}) + "\n")
print(len(rows), "clips")

# every clip with its caption, in the order a folder of them is read (sorted by name)
with open("clips.json", "w") as f:
    json.dump([{"file": r["audio"], "text": r["text"], "heldout": tuple(r["text"].split()[1:]) in held} for r in sorted(rows, key=lambda r: r["audio"])], f, indent=1)
    f.write("\n")
