"""Test driver for `modalflow export pytorch`: for each job, runs the generated module on .npy
inputs with the exported weights, then takes one SGD step and saves the trained state_dict as
.safetensors. One process serves every job, so torch is imported once.
Usage: python3 export-pytorch.driver.py <jobs.json>, a list of
{"model": model.py, "weights": .safetensors or null, "inputs": {tensor: .npy}, "trained": .safetensors or null
(null: only run it), "step": {step input: .npy} (optional: also run step())}.
Prints a list of {"outputs": ..., "step": ..., "trained": ..., "grads": n} as JSON, in job order."""
import importlib.util
import json
import sys

import numpy as np
import torch


def job(k, model_file, weights, inputs_file, trained_file, step_inputs):
    spec = importlib.util.spec_from_file_location(f"exported{k}", model_file)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    model = mod.Model()
    if weights is not None:
        model.load_state_dict(mod.load_safetensors(weights))
    inputs = {name: torch.from_numpy(np.load(path)) for name, path in inputs_file.items()}
    args = [inputs[name] for name in model.INPUTS]

    def run():
        with torch.no_grad():
            return {name: v.detach().double().reshape(-1).tolist() for name, v in model(*args).items()}

    before = run()
    step = None
    if step_inputs is not None:
        # A graph with a decoding loop: its step model on the given tokens, encoder states and cache.
        with torch.no_grad():
            given = {name: torch.from_numpy(np.load(f)) for name, f in step_inputs.items()}
            if hasattr(model, "cross"):
                # Cross-attention keys and values, once per sequence, from the encoder states.
                given.update(model.cross(given["encoder_hidden_states"]))
            feeds = [given[name] for name in model.STEP_INPUTS]
            step = {name: v.double().reshape(-1).tolist() for name, v in model.step(*feeds).items()}
    if trained_file is None:
        return {"outputs": before, "step": step}
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    out = model(*args)
    # Every other value, not all: a softmax's rows always sum to 1, so their plain sum has no gradient.
    sum(v.float().flatten()[::2].sum() for v in out.values() if v.dtype.is_floating_point and v.requires_grad).backward()
    opt.step()
    mod.save_safetensors(model.state_dict(), trained_file)
    return {"outputs": before, "step": step, "trained": run(), "grads": sum(1 for p in model.parameters() if p.grad is not None)}


jobs = json.load(open(sys.argv[1]))
print(json.dumps([job(k, j["model"], j["weights"], j["inputs"], j["trained"], j.get("step")) for k, j in enumerate(jobs)]))
