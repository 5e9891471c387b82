"""PyTorch CPU train step of a tiny parity graph, timed; the reference for test/bench/train.ts.

The loss functions are the ones test/parity/make_training_fixtures.py checks ModalFlow against
(same node semantics, same weight layout), so both sides run the same model. train.ts writes the
seeded initial weights and the batches as the step receives them into one safetensors file:

    /usr/bin/python3 test/bench/torch_train_step.py <file> --threads 2 [--runs 60] [--budget-s 60]

A step is zero_grad, forward, backward, clip_grad_norm_(1.0), AdamW (lr 1e-3, weight decay
0.01) and the LambdaLR warm-up, as the parity runs do; the forward is the loss alone under
no_grad, forward_backward the loss and its gradients without the update. Prints one JSON object
on stdout.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "parity"))

import torch  # noqa: E402

import make_training_fixtures as ref  # noqa: E402


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def percentile(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def stats(xs):
    return {"median_ms": round(median(xs), 3), "p90_ms": round(percentile(xs, 90), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--budget-s", type=float, default=60.0)
    args = ap.parse_args()

    # The same intra-op thread count as onnxruntime; inter-op parallelism is off on both sides.
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    tensors, meta = ref.read_safetensors(args.file)
    graph = meta["graph"]
    loss_fn = ref.GRAPHS[graph]
    names = json.loads(meta["params"])
    P = {n: torch.tensor(tensors["init." + n]) for n in names}
    count = int(meta["batches"])
    batches = [{k.split(".", 2)[2]: torch.tensor(v) for k, v in tensors.items() if k.startswith(f"batch.{b}.")} for b in range(count)]

    config = ref.CONFIGS["adamw"]
    o = config["optimizer"]
    params = [P[n].requires_grad_() for n in names]
    # PyTorch's default AdamW implementation for this version (what a user gets).
    opt = torch.optim.AdamW(params, lr=o["lr"], weight_decay=o["weightDecay"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / ref.WARMUP))

    def step(batch):
        opt.zero_grad()
        loss = loss_fn(P, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, max_norm=config["clipNorm"])
        opt.step()
        sched.step()
        return float(loss)

    def forward(batch):
        with torch.no_grad():
            return float(loss_fn(P, batch))

    def forward_backward(batch):
        opt.zero_grad()
        loss = loss_fn(P, batch)
        loss.backward()
        return float(loss)

    fns = [step, forward, forward_backward]
    for k in range(args.warmup):
        for f in fns:
            f(batches[k % count])
    times = [[] for _ in fns]
    t0 = time.perf_counter()
    for k in range(args.runs):
        # Rotate which goes first, as train.ts does, so noise hits them alike.
        for j in range(len(fns)):
            which = (j + k) % len(fns)
            s = time.perf_counter()
            fns[which](batches[k % count])
            times[which].append((time.perf_counter() - s) * 1000)
        if k + 1 >= -(-args.runs // 5) and time.perf_counter() - t0 > args.budget_s:
            break
    s_step, s_fwd, s_fb = times
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "adamw_foreach": opt.defaults.get("foreach"),
        "runs": len(s_step),
        "step": stats(s_step),
        "forward": stats(s_fwd),
        "forward_backward": stats(s_fb),
        "step_over_forward": round(median(s_step) / median(s_fwd), 3),
        "backward_over_forward": round((median(s_fb) - median(s_fwd)) / median(s_fwd), 3),
        "clip_and_update_ms": round(median(s_step) - median(s_fb), 3),
        "note": "forward = the loss under no_grad; CLIP starts at ModalFlow's preprocessed pixel values",
    }))


if __name__ == "__main__":
    main()
