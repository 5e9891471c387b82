import type { OnnxNode, Attr } from '@modalflow/onnx';

/**
 * ONNX operators (opset 17, as the compiler emits them) as PyTorch expressions. `a` are the
 * Python names of the node's inputs ('' for an omitted optional one); the result is a Python
 * expression, or a tuple expression for several outputs. Each follows the ONNX operator
 * definition, so the module computes what onnxruntime computes.
 */
type Emit = (a: string[], attr: (name: string) => Attr | undefined, node: OnnxNode) => string;

const int = (at: Attr | undefined, fallback: number) => (at ? Number(at.value as number) : fallback);
const ints = (at: Attr | undefined) => (at ? `[${(at.value as (number | bigint)[]).map(Number).join(', ')}]` : 'None');
const DTYPES: Record<number, string> = { 1: 'torch.float32', 2: 'torch.uint8', 3: 'torch.int8', 6: 'torch.int32', 7: 'torch.int64', 9: 'torch.bool', 10: 'torch.float16', 11: 'torch.float64' };
const dtypeOf = (code: number) => {
  const d = DTYPES[code];
  if (!d) throw new Error(`ONNX data type ${code} has no PyTorch equivalent here`);
  return d;
};
const unary = (fn: string): Emit => (a) => `${fn}(${a[0]})`;
const binary = (op: string): Emit => (a) => `(${a[0]} ${op} ${a[1]})`;
const reduceAttr = (fn: string): Emit => (a, attr) => `_reduce(${fn}, ${a[0]}, ${ints(attr('axes'))}, ${int(attr('keepdims'), 1)})`;

export const OPS: Record<string, Emit> = {
  Identity: (a) => a[0]!,
  Abs: unary('torch.abs'),
  Neg: unary('torch.neg'),
  Exp: unary('torch.exp'),
  Log: unary('torch.log'),
  Sqrt: unary('torch.sqrt'),
  Floor: unary('torch.floor'),
  Erf: unary('torch.erf'),
  Tanh: unary('torch.tanh'),
  Sigmoid: unary('torch.sigmoid'),
  Relu: unary('torch.relu'),
  Not: unary('torch.logical_not'),
  Add: binary('+'),
  Sub: binary('-'),
  Mul: binary('*'),
  Div: (a) => `_div(${a[0]}, ${a[1]})`,
  Pow: (a) => `torch.pow(${a[0]}, ${a[1]})`,
  Equal: (a) => `torch.eq(${a[0]}, ${a[1]})`,
  Greater: (a) => `torch.gt(${a[0]}, ${a[1]})`,
  Less: (a) => `torch.lt(${a[0]}, ${a[1]})`,
  Max: (a) => a.reduce((x, y) => `torch.maximum(${x}, ${y})`),
  Min: (a) => a.reduce((x, y) => `torch.minimum(${x}, ${y})`),
  Where: (a) => `torch.where(${a[0]}.bool(), ${a[1]}, ${a[2]})`,
  MatMul: (a) => `torch.matmul(${a[0]}, ${a[1]})`,
  Gemm: (a, attr) =>
    `_gemm(${a[0]}, ${a[1]}, ${a[2] || 'None'}, ${attr('alpha')?.value ?? 1}, ${attr('beta')?.value ?? 1}, ${int(attr('transA'), 0)}, ${int(attr('transB'), 0)})`,
  Cast: (a, attr) => `${a[0]}.to(${dtypeOf(int(attr('to'), 1))})`,
  Clip: (a) => `torch.clamp(${a[0]}, ${a[1] ? `min=${a[1]}.item()` : 'min=None'}, ${a[2] ? `max=${a[2]}.item()` : 'max=None'})`,
  Concat: (a, attr) => `torch.cat([${a.join(', ')}], dim=${int(attr('axis'), 0)})`,
  Transpose: (a, attr) => `_transpose(${a[0]}, ${ints(attr('perm'))})`,
  Reshape: (a, attr) => `_reshape(${a[0]}, ${a[1]}, ${int(attr('allowzero'), 0)})`,
  Shape: (a, attr) => `_shape(${a[0]}, ${attr('start') ? int(attr('start'), 0) : 'None'}, ${attr('end') ? int(attr('end'), 0) : 'None'})`,
  Unsqueeze: (a) => `_unsqueeze(${a[0]}, ${a[1]})`,
  Squeeze: (a) => `_squeeze(${a[0]}, ${a[1] || 'None'})`,
  Slice: (a) => `_slice(${a[0]}, ${a[1]}, ${a[2]}, ${a[3] || 'None'}, ${a[4] || 'None'})`,
  Gather: (a, attr) => `_gather(${a[0]}, ${a[1]}, ${int(attr('axis'), 0)})`,
  GatherElements: (a, attr) => `_gather_elements(${a[0]}, ${a[1]}, ${int(attr('axis'), 0)})`,
  Expand: (a) => `_expand(${a[0]}, ${a[1]})`,
  ConstantOfShape: (a, attr) => `_constant_of_shape(${a[0]}, ${attr('value') ? `self.${constRef(attr('value')!)}` : 'None'})`,
  EyeLike: (a, attr) => `_eye_like(${a[0]}, ${attr('dtype') ? dtypeOf(int(attr('dtype'), 1)) : 'None'}, ${int(attr('k'), 0)})`,
  Trilu: (a, attr) => `_trilu(${a[0]}, ${a[1] || 'None'}, ${int(attr('upper'), 1)})`,
  Softmax: (a, attr) => `torch.softmax(${a[0]}, dim=${int(attr('axis'), -1)})`,
  LogSoftmax: (a, attr) => `torch.log_softmax(${a[0]}, dim=${int(attr('axis'), -1)})`,
  ArgMax: (a, attr) => `_argmax(${a[0]}, ${int(attr('axis'), 0)}, ${int(attr('keepdims'), 1)}, ${int(attr('select_last_index'), 0)})`,
  LayerNormalization: (a, attr) => `_layer_norm(${a[0]}, ${a[1]}, ${a[2] || 'None'}, ${int(attr('axis'), -1)}, ${attr('epsilon')?.value ?? 1e-5})`,
  ReduceMean: reduceAttr('torch.mean'),
  ReduceMax: reduceAttr('torch.amax'),
  ReduceMin: reduceAttr('torch.amin'),
  ReduceL2: reduceAttr('_l2'),
  ReduceSum: (a, attr) => `_reduce_sum(${a[0]}, ${a[1] || 'None'}, ${int(attr('keepdims'), 1)}, ${int(attr('noop_with_empty_axes'), 0)})`,
  LSTM: (a, attr, node) => {
    const unsupported = ['activations', 'activation_alpha', 'activation_beta', 'clip'].filter((k) => attr(k));
    if (a[7] || int(attr('layout'), 0) !== 0 || int(attr('input_forget'), 0) !== 0 || unsupported.length) {
      throw new Error('LSTM with peepholes, layout 1, coupled gates or custom activations has no PyTorch translation yet');
    }
    const call = `_lstm(${a[0]}, ${a[1]}, ${a[2]}, ${a[3] || 'None'}, ${a[4] || 'None'}, ${a[5] || 'None'}, ${a[6] || 'None'}, ${int(attr('hidden_size'), 0)}, "${attr('direction')?.value ?? 'forward'}")`;
    return node.outputs.length === 1 ? `${call}[0]` : `${call}[:${node.outputs.length}]`;
  },
  Pad: (a, attr) => {
    const mode = String(attr('mode')?.value ?? 'constant');
    if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) throw new Error(`Pad mode "${mode}" is not an ONNX mode`);
    return `_pad(${a[0]}, ${a[1]}, ${a[2] || 'None'}, ${a[3] || 'None'}, "${mode}")`;
  },
  Resize: (a, attr) => {
    const str = (k: string, d: string) => String(attr(k)?.value ?? d);
    const ctm = str('coordinate_transformation_mode', 'half_pixel');
    const mode = str('mode', 'nearest');
    if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'].includes(ctm)) {
      throw new Error(`Resize with coordinate_transformation_mode "${ctm}" has no PyTorch translation yet`);
    }
    if (!['nearest', 'linear', 'cubic'].includes(mode)) throw new Error(`Resize mode "${mode}" is not an ONNX mode`);
    if (int(attr('antialias'), 0) || attr('axes') || attr('keep_aspect_ratio_policy')) {
      throw new Error('Resize with antialias, axes or keep_aspect_ratio_policy (opset 18) has no PyTorch translation yet');
    }
    const a3 = attr('cubic_coeff_a')?.value ?? -0.75;
    return `_resize(${a[0]}, ${a[2] || 'None'}, ${a[3] || 'None'}, "${mode}", "${ctm}", ${Number(a3)}, ${int(attr('exclude_outside'), 0)}, "${str('nearest_mode', 'round_prefer_floor')}")`;
  },
  Conv: (a, attr) =>
    `_conv(${a[0]}, ${a[1]}, ${a[2] || 'None'}, ${ints(attr('strides'))}, ${ints(attr('pads'))}, ${ints(attr('dilations'))}, ${int(attr('group'), 1)})`,
};

/** Tensor-valued attributes become constants of the module; the generator fills this in. */
let constRef: (a: Attr) => string = () => {
  throw new Error('no constant table');
};
export function withConstants<T>(ref: (a: Attr) => string, work: () => T): T {
  const old = constRef;
  constRef = ref;
  try {
    return work();
  } finally {
    constRef = old;
  }
}

/** Helpers the generated module calls; each is one ONNX operator's semantics. */
export const HELPERS = `
def _ints(t):
    return [int(v) for v in (t.tolist() if isinstance(t, torch.Tensor) else t)]


def _div(a, b):
    # ONNX integer division truncates toward zero, as C does.
    if not a.dtype.is_floating_point and not b.dtype.is_floating_point:
        return torch.div(a, b, rounding_mode="trunc")
    return a / b


def _gemm(a, b, c, alpha, beta, trans_a, trans_b):
    y = alpha * torch.matmul(a.t() if trans_a else a, b.t() if trans_b else b)
    return y if c is None else y + beta * c


def _transpose(x, perm):
    return x.permute(*(perm if perm is not None else list(range(x.dim()))[::-1]))


def _reshape(x, shape, allowzero):
    dims = _ints(shape)
    if not allowzero:
        dims = [x.shape[i] if d == 0 else d for i, d in enumerate(dims)]
    return x.reshape(dims)


def _shape(x, start, end):
    return torch.tensor(list(x.shape)[start:end], dtype=torch.int64)


def _unsqueeze(x, axes):
    axes = _ints(axes)
    rank = x.dim() + len(axes)
    for a in sorted(a % rank for a in axes):
        x = x.unsqueeze(a)
    return x


def _squeeze(x, axes):
    if axes is None:
        return x.squeeze()
    for a in sorted((a % x.dim() for a in _ints(axes)), reverse=True):
        x = x.squeeze(a)
    return x


def _slice(x, starts, ends, axes, steps):
    starts, ends = _ints(starts), _ints(ends)
    axes = _ints(axes) if axes is not None else list(range(len(starts)))
    steps = _ints(steps) if steps is not None else [1] * len(starts)
    index = [slice(None)] * x.dim()
    flips = []
    for s, e, a, st in zip(starts, ends, axes, steps):
        a %= x.dim()
        n = x.shape[a]
        if st > 0:
            s = max(0, min(n, s + n if s < 0 else s))
            e = max(0, min(n, e + n if e < 0 else e))
            index[a] = slice(s, e, st)
        else:
            # A negative step walks backwards: take the rows in order, then flip them.
            s = max(-1, min(n - 1, s + n if s < 0 else s))
            e = max(-1, min(n - 1, e + n if e < 0 else e))
            rows = list(range(s, e, st))
            index[a] = torch.tensor(rows, dtype=torch.long) if rows else slice(0, 0)
    return x[tuple(index)] if all(isinstance(i, slice) for i in index) else _take(x, index)


def _take(x, index):
    for a, i in enumerate(index):
        if not isinstance(i, slice):
            x = torch.index_select(x, a, i)
        else:
            x = x[(slice(None),) * a + (i,)]
    return x


def _gather(x, idx, axis):
    axis %= x.dim()
    n = x.shape[axis]
    flat = torch.remainder(idx.reshape(-1).long(), n)
    out = torch.index_select(x, axis, flat)
    return out.reshape(list(x.shape[:axis]) + list(idx.shape) + list(x.shape[axis + 1:]))


def _gather_elements(x, idx, axis):
    return torch.gather(x, axis, torch.remainder(idx.long(), x.shape[axis]))


def _expand(x, shape):
    return x.expand(torch.broadcast_shapes(tuple(x.shape), tuple(_ints(shape))))


def _constant_of_shape(shape, value):
    dims = _ints(shape)
    if value is None:
        return torch.zeros(dims, dtype=torch.float32)
    return torch.full(dims, value.reshape(-1)[0].item(), dtype=value.dtype)


def _eye_like(x, dtype, k):
    n, m = x.shape
    eye = torch.ones(n, m, dtype=dtype or x.dtype).triu(k).tril(k)
    return eye


def _trilu(x, k, upper):
    k = int(k.item()) if k is not None else 0
    return torch.triu(x, k) if upper else torch.tril(x, k)


def _argmax(x, axis, keepdims, last):
    if last:
        x = x.flip(axis)
        i = x.shape[axis] - 1 - torch.argmax(x, dim=axis, keepdim=bool(keepdims))
        return i
    return torch.argmax(x, dim=axis, keepdim=bool(keepdims))


def _layer_norm(x, scale, bias, axis, eps):
    axis %= x.dim()
    return F.layer_norm(x, tuple(x.shape[axis:]), scale, bias, eps)


def _l2(x, dim, keepdim):
    return torch.sqrt(torch.sum(x * x, dim=dim, keepdim=keepdim))


def _reduce(fn, x, axes, keepdims):
    dims = list(range(x.dim())) if axes is None else [a % x.dim() for a in axes]
    return fn(x, dim=dims, keepdim=bool(keepdims)) if dims else x


def _reduce_sum(x, axes, keepdims, noop):
    if axes is None or axes.numel() == 0:
        if noop:
            return x
        return torch.sum(x, dim=list(range(x.dim())), keepdim=bool(keepdims))
    return torch.sum(x, dim=[a % x.dim() for a in _ints(axes)], keepdim=bool(keepdims))


def _lstm_reverse(x, lens):
    # Each sequence reversed within its own length; steps past it stay where they are.
    seq = x.shape[0]
    t = torch.arange(seq).unsqueeze(1)
    idx = torch.where(t < lens.unsqueeze(0), lens.unsqueeze(0) - 1 - t, t)
    return torch.gather(x, 0, idx.unsqueeze(-1).expand(-1, -1, x.shape[-1]))


def _lstm(x, w, r, b, lens, h0, c0, hidden, direction):
    # ONNX LSTM, gates in the order i, o, f, c; steps at or past a sequence's length leave
    # its state as it was and give zeros in Y.
    seq, batch, _ = x.shape
    lens = torch.full((batch,), seq, dtype=torch.long) if lens is None else lens.long()
    ys, hs, cs = [], [], []
    for d in range(w.shape[0]):
        reverse = direction == "reverse" or (direction == "bidirectional" and d == 1)
        xs = _lstm_reverse(x, lens) if reverse else x
        bias = b[d, :4 * hidden] + b[d, 4 * hidden:] if b is not None else 0
        h = h0[d] if h0 is not None else x.new_zeros(batch, hidden)
        c = c0[d] if c0 is not None else x.new_zeros(batch, hidden)
        out = []
        for t in range(seq):
            g = torch.matmul(xs[t], w[d].t()) + torch.matmul(h, r[d].t()) + bias
            i, o, f, cc = g.split(hidden, dim=-1)
            i, o, f, cc = torch.sigmoid(i), torch.sigmoid(o), torch.sigmoid(f), torch.tanh(cc)
            c_new = f * c + i * cc
            h_new = o * torch.tanh(c_new)
            valid = (t < lens).unsqueeze(1).to(x.dtype)
            c = valid * c_new + (1 - valid) * c
            h = valid * h_new + (1 - valid) * h
            out.append(valid * h_new)
        y = torch.stack(out)
        ys.append(_lstm_reverse(y, lens) if reverse else y)
        hs.append(h)
        cs.append(c)
    return torch.stack(ys, 1), torch.stack(hs), torch.stack(cs)


def _conv(x, w, b, strides, pads, dilations, group):
    n = w.dim() - 2
    strides = strides or [1] * n
    dilations = dilations or [1] * n
    pads = pads or [0] * (2 * n)
    if pads[:n] != pads[n:]:
        # F.pad takes the last axis first, as (begin, end) pairs.
        x = F.pad(x, [p for a in reversed(range(n)) for p in (pads[a], pads[a + n])])
        pads = [0] * (2 * n)
    conv = [None, F.conv1d, F.conv2d, F.conv3d][n]
    return conv(x, w, b, stride=strides, padding=pads[:n], dilation=dilations, groups=group)


def _pad(x, pads, value, axes, mode):
    pads = _ints(pads)
    n = len(pads) // 2
    axes = [a % x.dim() for a in _ints(axes)] if axes is not None else list(range(n))
    for k, a in enumerate(axes):
        begin, end = pads[k], pads[k + n]
        if begin == 0 and end == 0:
            continue
        size = x.shape[a]
        if mode == "constant":
            v = value.reshape(-1)[0].item() if value is not None and value.numel() else 0
            # F.pad pads the last axis; negative amounts crop, as ONNX's do.
            x = F.pad(x.movedim(a, -1), [begin, end], value=v).movedim(-1, a)
            continue
        i = torch.arange(-begin, size + end)
        if mode == "edge":
            i = i.clamp(0, size - 1)
        elif mode == "wrap":
            i = torch.remainder(i, size)
        elif size == 1:
            i = torch.zeros_like(i)
        else:
            # Reflection without repeating the edge: the index walks back and forth over 0..size-1.
            period = 2 * (size - 1)
            i = torch.remainder(i, period)
            i = torch.where(i >= size, period - i, i)
        x = torch.index_select(x, a, i)
    return x


def _resize_source(out, scale, size, ctm):
    # Where output pixel o lies in the input, in float32 as onnxruntime computes it.
    o = torch.arange(out, dtype=torch.float32)
    s = torch.tensor(scale, dtype=torch.float32)
    if ctm == "half_pixel":
        return (o + 0.5) / s - 0.5
    if ctm == "pytorch_half_pixel":
        return (o + 0.5) / s - 0.5 if out > 1 else torch.zeros(out)
    if ctm == "align_corners":
        return o * (size - 1) / (out - 1) if out > 1 else torch.zeros(out)
    return o / s


def _resize_taps(size, out, scale, mode, ctm, a, exclude, nearest):
    # Per output pixel: input indices and weights, one column per tap.
    x = _resize_source(out, scale, size, ctm)
    if mode == "nearest":
        f = torch.floor(x)
        frac = x - f
        if nearest == "round_prefer_floor":
            i = torch.where(frac <= 0.5, f, f + 1)
        elif nearest == "round_prefer_ceil":
            i = torch.where(frac < 0.5, f, f + 1)
        elif nearest == "floor":
            i = f
        else:
            i = torch.ceil(x)
        return i.long().clamp(0, size - 1).unsqueeze(1), torch.ones(out, 1)
    if mode == "linear":
        x = x.clamp(0, size - 1)
        f = torch.floor(x)
        t = (x - f).unsqueeze(1)
        i = torch.stack([f, f + 1], 1).long().clamp(0, size - 1)
        return i, torch.cat([1 - t, t], 1)
    f = torch.floor(x)
    t = (x - f).unsqueeze(1)
    i = torch.stack([f - 1, f, f + 1, f + 2], 1).long()
    # Keys' cubic convolution kernel with coefficient a, at distances 1 + t, t, 1 - t, 2 - t.
    d = torch.cat([1 + t, t, 1 - t, 2 - t], 1)
    near = ((a + 2) * d - (a + 3)) * d * d + 1
    far = ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
    w = torch.where(d <= 1, near, far)
    if exclude:
        w = w * ((i >= 0) & (i < size)).float()
        w = w / w.sum(1, keepdim=True)
    return i.clamp(0, size - 1), w


def _resize(x, scales, sizes, mode, ctm, a, exclude, nearest):
    shape = list(x.shape)
    if sizes is not None and sizes.numel():
        out = _ints(sizes)
        scale = [o / s for o, s in zip(out, shape)]
    else:
        scale = [float(v) for v in scales.tolist()]
        out = [int(math.floor(s * f)) for s, f in zip(shape, scale)]
    for axis in range(x.dim()):
        if out[axis] == shape[axis] and scale[axis] == 1:
            continue
        i, w = _resize_taps(shape[axis], out[axis], scale[axis], mode, ctm, a, exclude, nearest)
        view = [1] * x.dim()
        view[axis] = out[axis]
        y = None
        for k in range(i.shape[1]):
            term = torch.index_select(x, axis, i[:, k])
            if mode != "nearest":
                term = term * w[:, k].to(x.dtype).reshape(view)
            y = term if y is None else y + term
        x = y
    return x
`;
