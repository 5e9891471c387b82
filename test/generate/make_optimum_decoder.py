"""A tiny decoder exported by torch.onnx in the layout of Hugging Face Optimum's decoder exports
(decoder_model_merged.onnx of GPT-2-style models): inputs input_ids, attention_mask,
position_ids, encoder_hidden_states and past_key_values.{i}.key / .value [batch, heads, past, head_dim];
outputs logits and present.{i}.key / .value. Also writes the greedy tokens a plain PyTorch loop
(whole prefix each step, no cache) gives, for the generate stage to match.

    /usr/bin/python3 test/generate/make_optimum_decoder.py
"""
import json, math, os
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'optimum-tiny')
VOCAB, DIM, HEADS, LAYERS, MAXPOS, MEMDIM, MEMLEN = 17, 16, 2, 2, 32, 8, 4
DH = DIM // HEADS
torch.manual_seed(9)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(DIM), nn.LayerNorm(DIM), nn.LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.cq, self.ckv, self.cproj = nn.Linear(DIM, DIM), nn.Linear(MEMDIM, 2 * DIM), nn.Linear(DIM, DIM)
        self.fc1, self.fc2 = nn.Linear(DIM, 4 * DIM), nn.Linear(4 * DIM, DIM)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, HEADS, DH).transpose(1, 2)

    def forward(self, h, mask, memory, pk, pv):
        q, k, v = self.qkv(self.ln1(h)).split(DIM, -1)
        q, k, v = self.split(q), torch.cat([pk, self.split(k)], 2), torch.cat([pv, self.split(v)], 2)
        t, total = q.shape[2], k.shape[2]
        s = q @ k.transpose(-1, -2) / math.sqrt(DH)
        i = torch.arange(t).unsqueeze(1) + (total - t)
        j = torch.arange(total).unsqueeze(0)
        s = s.masked_fill(j > i, -1e9) + (1.0 - mask[:, None, None, :].float()) * -1e9
        a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(h.shape[0], t, DIM)
        h = h + self.proj(a)
        ck, cv = self.ckv(memory).split(DIM, -1)
        c = torch.softmax(self.split(self.cq(self.ln2(h))) @ self.split(ck).transpose(-1, -2) / math.sqrt(DH), -1) @ self.split(cv)
        h = h + self.cproj(c.transpose(1, 2).reshape(h.shape[0], t, DIM))
        return h + self.fc2(F.gelu(self.fc1(self.ln3(h)))), k, v


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(VOCAB, DIM), nn.Embedding(MAXPOS, DIM)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, VOCAB, bias=False)

    def forward(self, input_ids, attention_mask, position_ids, encoder_hidden_states, *past):
        h = self.wte(input_ids) + self.wpe(position_ids)
        present = []
        for l, blk in enumerate(self.blocks):
            h, k, v = blk(h, attention_mask, encoder_hidden_states, past[2 * l], past[2 * l + 1])
            present += [k, v]
        return (self.head(self.ln_f(h)), *present)


model = Decoder().eval()
with torch.no_grad():
    for p in model.parameters():
        p.add_(torch.randn_like(p) * 0.3)

memory = torch.randn(2, MEMLEN, MEMDIM)
names = [f'past_key_values.{l}.{kv}' for l in range(LAYERS) for kv in ('key', 'value')]
outs = ['logits'] + [f'present.{l}.{kv}' for l in range(LAYERS) for kv in ('key', 'value')]
past = [torch.zeros(2, HEADS, 3, DH) for _ in names]
ids = torch.tensor([[1, 2], [1, 5]])
os.makedirs(HERE, exist_ok=True)
torch.onnx.export(
    model, (ids, torch.ones(2, 5, dtype=torch.long), torch.tensor([[3, 4], [3, 4]]), memory, *past),
    os.path.join(HERE, 'decoder_model_merged.onnx'), opset_version=14,
    input_names=['input_ids', 'attention_mask', 'position_ids', 'encoder_hidden_states', *names], output_names=outs,
    dynamic_axes={
        'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
        'position_ids': {0: 'batch_size', 1: 'sequence_length'}, 'encoder_hidden_states': {0: 'batch_size', 1: 'encoder_sequence_length'},
        **{n: {0: 'batch_size', 2: 'past_sequence_length'} for n in names}, 'logits': {0: 'batch_size', 1: 'sequence_length'},
        **{n: {0: 'batch_size', 2: 'total_sequence_length'} for n in outs[1:]},
    },
)

# The reference: greedy decoding recomputing the whole prefix each step, no cache.
START, STOP, MAXLEN = 1, 2, 10
rows = []
with torch.no_grad():
    for r in range(2):
        seq, out, stopped = [START], [], False
        for _ in range(MAXLEN):
            t = len(seq)
            empty = [torch.zeros(1, HEADS, 0, DH) for _ in names]
            logits = model(torch.tensor([seq]), torch.ones(1, t, dtype=torch.long), torch.arange(t)[None], memory[r:r + 1], *empty)[0]
            top = torch.topk(logits[0, -1], 2).values
            assert float(top[0] - top[1]) > 1e-3, 'a near tie: pick another seed'
            tok = int(torch.argmax(logits[0, -1]))
            seq.append(tok); out.append(tok)
            if tok == STOP:
                stopped = True
                break
        rows.append({'tokens': out, 'stopped': stopped})
json.dump({'source': 'test/generate/make_optimum_decoder.py', 'start_token': START, 'stop_tokens': [STOP], 'max_length': MAXLEN,
           'memory': {'dims': list(memory.shape), 'data': memory.flatten().tolist()}, 'rows': rows},
          open(os.path.join(HERE, 'expected.json'), 'w'))
print(rows)
