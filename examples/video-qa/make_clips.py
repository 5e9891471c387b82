"""Clips of a moving shape, with questions, for training and testing the tiny video QA model.

Run from this folder with /usr/bin/python3 and Debian's ffmpeg: python3 make_clips.py
Each clip is 4 frames at 4 frames per second, 32x32, VP9 WebM (yuv444p, crf 16): one coloured
shape seen twice at a start position, then twice at another (pictures of the teaching world,
rendered by `modalflow world`, seed 21; training clips take the world's train-split pictures,
test clips its test-split pictures). Every clip gets four questions, and the answer id is the
index of the answer in the graph's answer list (the world's ANSWERS):
  what colour is the shape ?          -> its colour
  what shape is there ?               -> its shape
  where is the shape at the start ?   -> where the first two frames show it
  where is the shape at the end ?     -> where the last two frames show it
The last two can only be told apart by the order of the frames.
Writes clips/{train,test}/NNN.webm, train.jsonl and test.jsonl.
"""
import json
import os
import random
import shutil
import subprocess
import tempfile

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange"]
SHAPES = ["square", "circle", "triangle", "cross"]
POSITIONS = ["left", "right", "top", "bottom", "centre"]
ANSWERS = ["yes", "no", "red", "green", "blue", "yellow", "purple", "orange", "square", "circle", "triangle", "cross", "star",
           "left", "right", "top", "bottom", "centre", "small", "big", "one", "two", "three"]
PER_PAIR = {"train": 8, "test": 2}
ROOT = os.path.abspath("../..")

world = tempfile.mkdtemp()
subprocess.run(["npx", "modalflow", "world", "world:shapes?count=3000&seed=21", "-o", world], cwd=ROOT, check=True)
pictures = {}
for split in ("train", "test"):
    with open(os.path.join(world, f"{split}.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            pictures.setdefault((split, r["colour"], r["shape"], r["position"]), []).append(os.path.join(world, r["image"]))

rng = random.Random(15)
for split, per_pair in PER_PAIR.items():
    out = os.path.join("clips", split)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rows = []
    n = 0
    for colour in COLOURS:
        for shape in SHAPES:
            # The test split lacks some (colour, shape, position) pictures: moves use the ones it has.
            seen = [p for p in POSITIONS if (split, colour, shape, p) in pictures]
            moves = [(a, b) for a in seen for b in seen if a != b]
            for start, end in rng.sample(moves, per_pair):
                frames = [rng.choice(pictures[(split, colour, shape, start)]) for _ in range(2)]
                frames += [rng.choice(pictures[(split, colour, shape, end)]) for _ in range(2)]
                work = tempfile.mkdtemp()
                for k, f in enumerate(frames):
                    shutil.copy(f, os.path.join(work, f"{k:02d}.png"))
                n += 1
                name = f"clips/{split}/{n:03d}.webm"
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-framerate", "4", "-i", os.path.join(work, "%02d.png"),
                                "-c:v", "libvpx-vp9", "-crf", "16", "-b:v", "0", "-pix_fmt", "yuv444p", name], check=True)
                shutil.rmtree(work)
                for text, answer in (("what colour is the shape ?", colour), ("what shape is there ?", shape),
                                     ("where is the shape at the start ?", start), ("where is the shape at the end ?", end)):
                    rows.append({"video": name, "text": text, "answer_id": ANSWERS.index(answer), "answer": answer})
    with open(f"{split}.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(split, n, "clips,", len(rows), "questions")
shutil.rmtree(world)
