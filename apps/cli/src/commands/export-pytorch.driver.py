"""Test driver for `modalflow export pytorch`: for each job, runs the generated module on .npy
inputs with the exported weights, then takes one large SGD step (lr 1, on the mean square of every
output value, step() outputs included) and saves the trained state_dict as .safetensors. One process serves every job, so torch is imported once.
Usage: python3 export-pytorch.driver.py <jobs.json>, a list of
{"model": model.py, "weights": .safetensors or null, "inputs": {tensor: .npy}, "trained": .safetensors or null
(null: only run it), "step": {step input: .npy} (optional: also run step())}.
Prints a list of {"outputs": ..., "step": ..., "trained": ..., "trained_step": ..., "grads": n,
"moved": [parameters the step changed]} as JSON, in job order."""
import importlib.util
import json
import sys

import numpy as np
import torch

# One large step: a small one hides a weight that ModalFlow reads from elsewhere behind the tolerance.
LR = 1.0


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
        step_given = {name: torch.from_numpy(np.load(f)) for name, f in step_inputs.items()}

        def run_step():
            given = dict(step_given)
            if hasattr(model, "cross"):
                # Cross-attention keys and values, once per sequence, from the encoder states.
                given.update(model.cross(given["encoder_hidden_states"]))
            return model.step(*[given[name] for name in model.STEP_INPUTS])

        with torch.no_grad():
            step = {name: v.double().reshape(-1).tolist() for name, v in run_step().items()}
    if trained_file is None:
        return {"outputs": before, "step": step}
    initial = {name: p.detach().clone() for name, p in model.named_parameters()}
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    out = list(model(*args).values())
    if step_inputs is not None:
        # The decoder's weights train too: the step model's outputs join the loss.
        out += list(run_step().values())
    # The mean square of every output value, each output scaled by its own size at the start (a
    # loss output in the thousands would otherwise blow the weights up to where float32 itself
    # disagrees with float64), so one large step moves every trained weight.
    loss = sum((v.float() ** 2).mean() / (v.detach().float() ** 2).mean().clamp(min=1) for v in out if v.dtype.is_floating_point and v.requires_grad)
    loss.backward()
    opt.step()
    mod.save_safetensors(model.state_dict(), trained_file)
    trained_step = None
    if step_inputs is not None:
        with torch.no_grad():
            trained_step = {name: v.double().reshape(-1).tolist() for name, v in run_step().items()}
    moved = sorted(name for name, p in model.named_parameters() if not torch.equal(p.detach(), initial[name]))
    return {"outputs": before, "step": step, "trained": run(), "trained_step": trained_step, "grads": sum(1 for p in model.parameters() if p.grad is not None), "moved": moved}


jobs = json.load(open(sys.argv[1]))
print(json.dumps([job(k, j["model"], j["weights"], j["inputs"], j["trained"], j.get("step")) for k, j in enumerate(jobs)]))
