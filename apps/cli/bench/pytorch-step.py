"""Helper of bench/pytorch-step.ts: loads the exported module with its weights, takes one SGD step
with the given loss and learning rate, saves the trained state_dict and prints the trained
module's outputs computed in float32 and in float64, as JSON.
Usage: python3 pytorch-step.py <job.json> with {"model", "weights", "inputs": {name: .npy},
"trained", "lr", "scaled": whether each output's square is scaled by its size before the step}."""
import importlib.util
import json
import sys

import numpy as np
import torch

job = json.load(open(sys.argv[1]))
spec = importlib.util.spec_from_file_location("exported", job["model"])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
model = mod.Model()
model.load_state_dict(mod.load_safetensors(job["weights"]))
inputs = {name: torch.from_numpy(np.load(path)) for name, path in job["inputs"].items()}
args = [inputs[name] for name in model.INPUTS]

opt = torch.optim.SGD(model.parameters(), lr=job["lr"])
out = [v for v in model(*args).values() if v.dtype.is_floating_point and v.requires_grad]
scale = (lambda v: (v.detach() ** 2).mean().clamp(min=1)) if job["scaled"] else (lambda v: 1)
sum((v ** 2).mean() / scale(v) for v in out).backward()
opt.step()
mod.save_safetensors(model.state_dict(), job["trained"])

with torch.no_grad():
    f32 = {k: v.double().reshape(-1).tolist() for k, v in model(*args).items() if v.dtype.is_floating_point}
    model.double()
    f64 = {k: v.reshape(-1).tolist() for k, v in model(*[a.double() if a.dtype == torch.float32 else a for a in args]).items() if v.dtype.is_floating_point}
print(json.dumps({"float32": f32, "float64": f64}))
