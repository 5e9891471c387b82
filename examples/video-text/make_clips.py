"""Short videos of the teaching world for the video-text retrieval example.

Run from this folder with /usr/bin/python3 and Debian's ffmpeg: python3 make_clips.py
Each clip shows one coloured shape in 4 places, one picture per frame at 4 frames per second
(pictures rendered by `modalflow world`, seed 21), encoded as lossless VP9 WebM, 32x32:
clips/<colour>_<shape>.webm, captioned "a <colour> <shape>" in captions.json.
"""
import json
import os
import shutil
import subprocess
import tempfile

CLIPS = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "cross"), ("purple", "square"), ("orange", "circle")]
ROOT = os.path.abspath("../..")
tmp = tempfile.mkdtemp()
subprocess.run(["npx", "modalflow", "world", "world:shapes?count=3000&seed=21", "-o", tmp], cwd=ROOT, check=True)
rows = []
for split in ("train", "test"):
    with open(os.path.join(tmp, f"{split}.jsonl")) as f:
        rows += [json.loads(line) for line in f]
captions = {}
for colour, shape in CLIPS:
    seen, frames = set(), []
    for r in rows:
        if r["colour"] == colour and r["shape"] == shape and r["position"] not in seen:
            seen.add(r["position"])
            frames.append(os.path.join(tmp, r["image"]))
        if len(frames) == 4:
            break
    assert len(frames) == 4, (colour, shape, len(frames))
    work = tempfile.mkdtemp()
    for k, f in enumerate(frames):
        shutil.copy(f, os.path.join(work, f"{k:02d}.png"))
    name = f"clips/{colour}_{shape}.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-framerate", "4", "-i", os.path.join(work, "%02d.png"),
                    "-c:v", "libvpx-vp9", "-lossless", "1", "-pix_fmt", "yuv444p", name], check=True)
    captions[name] = f"{'an' if colour == 'orange' else 'a'} {colour} {shape}"
with open("captions.json", "w") as f:
    json.dump(captions, f, indent=1)
    f.write("\n")
print(len(captions), "clips")
