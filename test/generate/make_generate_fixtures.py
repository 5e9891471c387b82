"""Reference decoding for the generate stage: a tiny transformer decoder written directly in
PyTorch, decoded by greedy search, beam search and seeded sampling, each step recomputing the
whole prefix (no key/value cache). Writes generate-fixtures.json beside this file with the
weights (under the graph's names), the inputs and the expected tokens.

    /usr/bin/python3 test/generate/make_generate_fixtures.py

The sampler's uniforms come from xoshiro128** seeded by SHA-256("modalflow:sample:<seed>"),
the stream packages/engine/src/decoding.ts draws, so sampled tokens can be compared one by one.
"""
import hashlib, json, math, os, struct
import torch
import torch.nn.functional as F

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB, DIM, HEADS, LAYERS, MLP, MAXPOS, MEMDIM, MEMLEN = 13, 16, 2, 2, 32, 40, 12, 5
EPS = 1e-5


def make_weights(norm, tie):
    w = {}
    def u(name, *shape, b=0.5):
        w[name] = (torch.rand(*shape, dtype=torch.float64) * 2 - 1) * b
    u('embed_tokens.weight', VOCAB, DIM, b=1.0)
    u('embed_positions.weight', MAXPOS, DIM, b=0.3)
    for l in range(LAYERS):
        p = f'layers.{l}.'
        for att, din in (('self_attn.', DIM), ('cross_attn.', MEMDIM)):
            u(p + att + 'q_proj.weight', DIM, DIM); u(p + att + 'q_proj.bias', DIM, b=0.1)
            u(p + att + 'k_proj.weight', DIM, din); u(p + att + 'k_proj.bias', DIM, b=0.1)
            u(p + att + 'v_proj.weight', DIM, din); u(p + att + 'v_proj.bias', DIM, b=0.1)
            u(p + att + 'out_proj.weight', DIM, DIM); u(p + att + 'out_proj.bias', DIM, b=0.1)
        for ln in ('layer_norm1.', 'layer_norm_cross.', 'layer_norm2.'):
            w[p + ln + 'weight'] = 1 + (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.5
            w[p + ln + 'bias'] = (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.2
        u(p + 'mlp.fc1.weight', MLP, DIM); u(p + 'mlp.fc1.bias', MLP, b=0.1)
        u(p + 'mlp.fc2.weight', DIM, MLP, b=0.3); u(p + 'mlp.fc2.bias', DIM, b=0.1)
    if norm == 'pre':
        w['final_layer_norm.weight'] = 1 + (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.5
        w['final_layer_norm.bias'] = (torch.rand(DIM, dtype=torch.float64) - 0.5) * 0.2
    if not tie:
        u('lm_head.weight', VOCAB, DIM, b=1.0)
    # Float32 values, so the graph and this script start from the same numbers.
    return {k: v.float().double() for k, v in w.items()}


def attention(w, p, q_in, kv_in, causal):
    def proj(name, x):
        return x @ w[p + name + '.weight'].T + w[p + name + '.bias']
    b, tq, _ = q_in.shape
    tk = kv_in.shape[1]
    dh = DIM // HEADS
    q = proj('q_proj', q_in).view(b, tq, HEADS, dh).transpose(1, 2)
    k = proj('k_proj', kv_in).view(b, tk, HEADS, dh).transpose(1, 2)
    v = proj('v_proj', kv_in).view(b, tk, HEADS, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / math.sqrt(dh)
    if causal:
        s = s.masked_fill(torch.triu(torch.ones(tq, tk, dtype=torch.bool), 1), float('-inf'))
    a = torch.softmax(s, -1) @ v
    return proj('out_proj', a.transpose(1, 2).reshape(b, tq, DIM))


def decoder(w, ids, memory, norm, tie, act):
    t = ids.shape[1]
    h = w['embed_tokens.weight'][ids] + w['embed_positions.weight'][:t]
    def ln(x, name):
        return F.layer_norm(x, (DIM,), w[name + 'weight'], w[name + 'bias'], EPS)
    for l in range(LAYERS):
        p = f'layers.{l}.'
        subs = [('layer_norm1.', lambda x: attention(w, p + 'self_attn.', x, x, True)),
                ('layer_norm_cross.', lambda x: attention(w, p + 'cross_attn.', x, memory, False)),
                ('layer_norm2.', lambda x: (F.gelu(x @ w[p + 'mlp.fc1.weight'].T + w[p + 'mlp.fc1.bias'], approximate=act)
                                            @ w[p + 'mlp.fc2.weight'].T + w[p + 'mlp.fc2.bias']))]
        for name, f in subs:
            h = h + f(ln(h, p + name)) if norm == 'pre' else ln(h + f(h), p + name)
    if norm == 'pre':
        h = ln(h, 'final_layer_norm.')
    return h @ (w['embed_tokens.weight'] if tie else w['lm_head.weight']).T


class Xoshiro:
    def __init__(self, seed):
        self.s = list(struct.unpack('<4I', hashlib.sha256(f'modalflow:sample:{seed}'.encode()).digest()[:16]))
        if not any(self.s):
            self.s[0] = 1
    def next(self):
        s0, s1, s2, s3 = self.s
        M = 0xFFFFFFFF
        rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M
        result = (rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 9) & M
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return (result >> 8) / 16777216


def sample_token(logits, temperature, top_k, top_p, u):
    order = sorted(range(len(logits)), key=lambda v: (-logits[v], v))
    keep = len(order)
    if 0 < top_k < len(order):
        kth = logits[order[top_k - 1]]
        keep = top_k
        while keep < len(order) and logits[order[keep]] == kth:
            keep += 1
    mx = logits[order[0]] / temperature
    p = [math.exp(logits[order[r]] / temperature - mx) for r in range(keep)]
    total = sum(p)
    kept = keep
    if top_p < 1:
        mass = 0.0
        for r in range(keep):
            mass += p[r] / total
            if mass >= top_p:
                kept = r + 1
                break
    kt = sum(p[:kept])
    cum = 0.0
    for r in range(kept):
        cum += p[r] / kt
        if u < cum:
            return order[r]
    return order[kept - 1]


def stepwise(model, prompt, max_len, stop, sampler=None, margins=None):
    seq = list(prompt)
    out = []
    for _ in range(max_len):
        logits = model(torch.tensor([seq]))[0, -1]
        if sampler:
            tok = sampler(logits.tolist())
        else:
            top2 = torch.topk(logits, 2).values
            margins.append(float(top2[0] - top2[1]))
            tok = int(torch.argmax(logits))
        seq.append(tok); out.append(tok)
        if tok in stop:
            return out, True
    return out, False


def beam_search(model, prompt, width, alpha, max_len, stop):
    beams = [([], 0.0)]
    finished = []
    for _ in range(max_len):
        if not beams:
            break
        cands = []
        for b, (toks, lp) in enumerate(beams):
            logp = torch.log_softmax(model(torch.tensor([list(prompt) + toks]))[0, -1], -1)
            for v in range(VOCAB):
                cands.append((lp + float(logp[v]), b, v))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        nxt = []
        for rank, (s, b, v) in enumerate(cands[:2 * width]):
            if len(nxt) >= width:
                break
            toks = beams[b][0] + [v]
            if v in stop:
                if rank < width:
                    finished.append((toks, s, s / len(toks) ** alpha, True))
                continue
            nxt.append((toks, s))
        beams = nxt
        if len(finished) >= width:
            break
    if len(finished) < width:
        for toks, s in beams:
            finished.append((toks, s, s / len(toks) ** alpha, False))
    best = finished[0]
    for h in finished:
        if h[2] > best[2]:
            best = h
    return best[0], best[3]


def case(name, norm, tie, act, seed):
    torch.manual_seed(seed)
    w = make_weights(norm, tie)
    memory = (torch.rand(2, MEMLEN, MEMDIM, dtype=torch.float64) * 2 - 1).float().double()
    prompts = [[2], [2]]
    stop = [3]
    out = {'name': name, 'params': {'vocab': VOCAB, 'dim': DIM, 'heads': HEADS, 'layers': LAYERS, 'mlp_dim': MLP,
                                    'max_positions': MAXPOS, 'norm': norm, 'tie_embeddings': tie,
                                    'activation': 'gelu_tanh' if act == 'tanh' else 'gelu', 'eps': EPS},
           'memory': {'dims': list(memory.shape), 'data': memory.flatten().tolist()},
           'weights': {k: {'dims': list(v.shape), 'data': v.flatten().tolist()} for k, v in w.items()},
           'prompt': prompts, 'stop': stop, 'runs': []}
    with torch.no_grad():
        models = [lambda ids, r=r: decoder(w, ids, memory[r:r + 1], norm, tie, act) for r in range(2)]
        out['first_logits'] = models[0](torch.tensor([prompts[0]]))[0, -1].tolist()
        for max_len in (12, 30):
            margins = []
            rows = [stepwise(models[r], prompts[r], max_len, stop, margins=margins) for r in range(2)]
            out['runs'].append({'strategy': 'greedy', 'max_length': max_len, 'tokens': [r[0] for r in rows],
                                'stopped': [r[1] for r in rows], 'min_margin': min(margins)})
        for width, alpha in ((3, 1.0), (4, 0.0), (2, 2.0)):
            rows = [beam_search(models[r], prompts[r], width, alpha, 12, stop) for r in range(2)]
            out['runs'].append({'strategy': 'beam', 'beams': width, 'length_penalty': alpha, 'max_length': 12,
                                'tokens': [r[0] for r in rows], 'stopped': [r[1] for r in rows]})
        for seed_, temp, k, p in ((7, 1.0, 0, 1.0), (11, 0.7, 5, 1.0), (5, 1.3, 0, 0.8)):
            rng = Xoshiro(seed_)
            # One stream for the batch, drawn row by row within a step, as the engine draws it.
            seqs = [list(pr) for pr in prompts]
            toks = [[], []]
            done = [False, False]
            for _ in range(12):
                if all(done):
                    break
                for r in range(2):
                    if done[r]:
                        continue
                    logits = models[r](torch.tensor([seqs[r]]))[0, -1].float().tolist()
                    t = sample_token(logits, temp, k, p, rng.next())
                    seqs[r].append(t); toks[r].append(t)
                    done[r] = t in stop
            out['runs'].append({'strategy': 'sample', 'seed': seed_, 'temperature': temp, 'top_k': k, 'top_p': p,
                                'max_length': 12, 'tokens': toks, 'stopped': done})
    return out


if __name__ == '__main__':
    cases = [case('pre-norm, tied, gelu_tanh', 'pre', True, 'tanh', 1), case('post-norm, lm_head, gelu', 'post', False, 'none', 2)]
    with open(os.path.join(HERE, 'generate-fixtures.json'), 'w') as f:
        json.dump({'source': 'test/generate/make_generate_fixtures.py (torch %s)' % torch.__version__, 'cases': cases}, f)
    for c in cases:
        for r in c['runs']:
            print(c['name'], r['strategy'], r.get('beams', ''), r['tokens'], r['stopped'], 'margin %.4f' % r['min_margin'] if 'min_margin' in r else '')
