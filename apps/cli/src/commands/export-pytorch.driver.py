"""Test driver for `modalflow export pytorch`: runs the generated module on .npy inputs with the
exported weights, then takes one SGD step and saves the trained state_dict as .safetensors.
Usage: python3 export-pytorch.driver.py <model.py> <weights.safetensors> <inputs.json> <trained.safetensors>
Prints {"outputs": ..., "trained": ...} as JSON."""
import importlib.util
import json
import sys

import numpy as np
import torch

model_file, weights, inputs_file, trained_file = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("exported", model_file)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)

model = mod.Model()
model.load_state_dict(mod.load_safetensors(weights))
inputs = {k: torch.from_numpy(np.load(v)) for k, v in json.load(open(inputs_file)).items()}
args = [inputs[name] for name in model.INPUTS]


def run():
    with torch.no_grad():
        return {k: v.detach().double().reshape(-1).tolist() for k, v in model(*args).items()}


before = run()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
out = model(*args)
sum(v.float().sum() for v in out.values() if v.dtype.is_floating_point).backward()
opt.step()
mod.save_safetensors(model.state_dict(), trained_file)
print(json.dumps({"outputs": before, "trained": run(), "grads": sum(1 for p in model.parameters() if p.grad is not None)}))
