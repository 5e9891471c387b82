"""Reference for the GPT-2 checkpoint map (examples/image-captioning/weights-maps/gpt2.json): a
tiny GPT-2 written directly in PyTorch in the layout of Hugging Face's GPT2LMHeadModel
(Conv1D weights stored [in, out], q/k/v fused in attn.c_attn, keys and values fused in
crossattention.c_attn, the causal-mask buffer and the tied lm_head in the state_dict), seeded
weights rounded to float16-exact values. Writes gpt2-map-fixtures.json beside this file: the
state_dict under the transformers names, teacher-forced logits and greedy tokens computed by
recomputing the whole prefix each step.

    /usr/bin/python3 test/generate/make_gpt2_map_fixtures.py
"""
import json, math, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB, DIM, HEADS, LAYERS, INNER, POSITIONS, MEMLEN = 29, 16, 2, 2, 64, 16, 4
EPS = 1e-5


def make_state_dict(cross):
    sd = {}
    def u(name, *shape, b=0.5):
        # float16-exact values: the file stays small and both sides start from the same numbers.
        sd[name] = ((torch.rand(*shape, dtype=torch.float64) * 2 - 1) * b).half().double()
    u('transformer.wte.weight', VOCAB, DIM, b=2.0)
    u('transformer.wpe.weight', POSITIONS, DIM, b=1.5)
    for n in range(LAYERS):
        h = f'transformer.h.{n}.'
        lns = ['ln_1.', 'ln_2.'] + (['ln_cross_attn.'] if cross else [])
        for ln in lns:
            sd[h + ln + 'weight'] = (1 + (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.5).half().double()
            sd[h + ln + 'bias'] = ((torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.2).half().double()
        sd[h + 'attn.bias'] = torch.tril(torch.ones(POSITIONS, POSITIONS)).view(1, 1, POSITIONS, POSITIONS).double()
        sd[h + 'attn.masked_bias'] = torch.tensor(-1e4, dtype=torch.float64)
        u(h + 'attn.c_attn.weight', DIM, 3 * DIM); u(h + 'attn.c_attn.bias', 3 * DIM, b=0.1)
        u(h + 'attn.c_proj.weight', DIM, DIM); u(h + 'attn.c_proj.bias', DIM, b=0.1)
        if cross:
            u(h + 'crossattention.q_attn.weight', DIM, DIM); u(h + 'crossattention.q_attn.bias', DIM, b=0.1)
            u(h + 'crossattention.c_attn.weight', DIM, 2 * DIM); u(h + 'crossattention.c_attn.bias', 2 * DIM, b=0.1)
            u(h + 'crossattention.c_proj.weight', DIM, DIM); u(h + 'crossattention.c_proj.bias', DIM, b=0.1)
        u(h + 'mlp.c_fc.weight', DIM, INNER); u(h + 'mlp.c_fc.bias', INNER, b=0.1)
        u(h + 'mlp.c_proj.weight', INNER, DIM, b=0.3); u(h + 'mlp.c_proj.bias', DIM, b=0.1)
    sd['transformer.ln_f.weight'] = (1 + (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.5).half().double()
    sd['transformer.ln_f.bias'] = ((torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.2).half().double()
    sd['lm_head.weight'] = sd['transformer.wte.weight']
    return sd


def conv1d(sd, name, x):
    # transformers' Conv1D: y = x W + b with W stored [in, out].
    return x @ sd[name + '.weight'] + sd[name + '.bias']


def heads(x):
    b, t, _ = x.shape
    return x.view(b, t, HEADS, DIM // HEADS).transpose(1, 2)


def attend(q, k, v, mask):
    s = q @ k.transpose(-1, -2) / math.sqrt(DIM // HEADS)
    if mask is not None:
        s = s.masked_fill(~mask, float('-inf'))
    a = torch.softmax(s, -1) @ v
    b, _, t, _ = a.shape
    return a.transpose(1, 2).reshape(b, t, DIM)


def gpt2(sd, ids, memory):
    t = ids.shape[1]
    x = sd['transformer.wte.weight'][ids] + sd['transformer.wpe.weight'][:t]
    def ln(v, name):
        return F.layer_norm(v, (DIM,), sd[name + '.weight'], sd[name + '.bias'], EPS)
    for n in range(LAYERS):
        h = f'transformer.h.{n}.'
        q, k, v = conv1d(sd, h + 'attn.c_attn', ln(x, h + 'ln_1')).split(DIM, dim=2)
        mask = sd[h + 'attn.bias'][0, 0, :t, :t].bool()
        x = x + conv1d(sd, h + 'attn.c_proj', attend(heads(q), heads(k), heads(v), mask))
        if memory is not None:
            q = conv1d(sd, h + 'crossattention.q_attn', ln(x, h + 'ln_cross_attn'))
            k, v = conv1d(sd, h + 'crossattention.c_attn', memory).split(DIM, dim=2)
            x = x + conv1d(sd, h + 'crossattention.c_proj', attend(heads(q), heads(k), heads(v), None))
        m = F.gelu(conv1d(sd, h + 'mlp.c_fc', ln(x, h + 'ln_2')), approximate='tanh')
        x = x + conv1d(sd, h + 'mlp.c_proj', m)
    x = ln(x, 'transformer.ln_f')
    return x @ sd['lm_head.weight'].T


def greedy(sd, prompt, memory, max_length):
    rows = []
    for b, p in enumerate(prompt):
        seq = list(p)
        for _ in range(max_length):
            mem = None if memory is None else memory[b:b + 1]
            seq.append(int(gpt2(sd, torch.tensor([seq]), mem)[0, -1].argmax()))
        rows.append(seq[len(p):])
    return rows


def as_list(t):
    return {'dims': list(t.shape), 'data': [float(x) for x in t.reshape(-1).tolist()]}


cases = []
for name, cross in (('gpt2', False), ('gpt2 with cross-attention', True)):
    sd = make_state_dict(cross)
    memory = ((torch.rand(2, MEMLEN, DIM, dtype=torch.float64) * 2 - 1)).half().double() if cross else None
    prompt = [[5, 3, 17], [11, 2, 20]]
    max_length = 9
    tokens = greedy(sd, prompt, memory, max_length)
    ids = torch.tensor([p + t[:-1] for p, t in zip(prompt, tokens)])
    logits = gpt2(sd, ids, memory)
    cases.append({
        'name': name,
        'params': {'vocab': VOCAB, 'dim': DIM, 'layers': LAYERS, 'heads': HEADS, 'mlp_dim': INNER, 'max_positions': POSITIONS,
                   'norm': 'pre', 'activation': 'gelu_tanh', 'eps': EPS, 'tie_embeddings': True},
        'state_dict': {k: as_list(v) for k, v in sd.items()},
        'memory': as_list(memory) if memory is not None else None,
        'prompt': prompt, 'max_length': max_length, 'tokens': tokens,
        'ids': ids.tolist(), 'logits': as_list(logits),
    })

with open(os.path.join(HERE, 'gpt2-map-fixtures.json'), 'w') as f:
    json.dump({'generator': 'test/generate/make_gpt2_map_fixtures.py', 'cases': cases}, f, separators=(',', ':'))
    f.write('\n')
print('wrote', [(c['name'], c['tokens']) for c in cases])
