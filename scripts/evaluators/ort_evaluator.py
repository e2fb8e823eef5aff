#!/usr/bin/env python3
"""ONNX Runtime CPU latency evaluator for ofasearch (protocol ofasearch-evaluator/1, docs/evaluators.md).

Builds each requested subnet of OFA's MobileNetV3 supernet (mit-han-lab/once-for-all,
OFAMobileNetV3.get_active_subnet) as an ONNX graph with random weights and batch norm folded into
the convolutions, and times it with ONNX Runtime on this CPU: batch 1, float32, one intra-op and
one inter-op thread (--threads), sequential execution, all graph optimizations, --warmup runs then
--repeats timed runs. Reply: value = median ms, spread = median absolute deviation x 1.4826 (a
robust standard deviation), repeats = --repeats.

Extension (scripts/evaluators/ORT.md): a request {"id": N, "layers": ["KEY", ...]} with OFA
latency-table keys (Conv-..., expanded_conv-..., Conv_1-..., AvgPool2D-..., Conv_2-...,
Logits-...; also nsganetv2's first_conv/MBConv/final_expand_layer/feature_mix_layer/classifier)
is answered with one timing per key, each key built as a one-layer graph.

    .venv/bin/python scripts/evaluators/ort_evaluator.py [--threads 1] [--warmup 10] [--repeats 30] [--pin CORE]

Standard output carries protocol lines only; progress and debugging go to standard error.
"""
import argparse
import json
import os
import platform
import re
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PROTOCOL = "ofasearch-evaluator/1"
GRAPH_VERSION = "ofa-mbv3 graph 1"   # bump when the graphs built below change
OPSET = 17
IR_VERSION = 8

# ---------------------------------------------------------------------------------------------
# OFA's MobileNetV3 (ofa/imagenet_classification/elastic_nn/networks/ofa_mbv3.py)
# ---------------------------------------------------------------------------------------------

BASE_STAGE_WIDTH = [16, 16, 24, 40, 80, 112, 160, 960, 1280]
UNIT_STRIDES = [2, 2, 2, 1, 2]                 # first block of each elastic unit
UNIT_HSWISH = [False, False, True, True, True]
UNIT_SE = [False, True, False, True, True]
MAX_DEPTH = 4
UNITS = 5
CLASSES = 1000
SPACES = {
    "ofa-mbv3-w1.0": 1.0, "ofa-mbv3-w1.2": 1.2,
    "compofa-mbv3-w1.0": 1.0, "compofa-mbv3-w1.2": 1.2,
    "compofa-elastic-mbv3-w1.0": 1.0, "compofa-elastic-mbv3-w1.2": 1.2,
}


def make_divisible(v, divisor=8, min_val=None):
    """OFA's make_divisible: nearest multiple of divisor, never more than 10% below v."""
    min_val = divisor if min_val is None else min_val
    new_v = max(min_val, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def widths(width_mult):
    w = [make_divisible(b * width_mult) for b in BASE_STAGE_WIDTH[:-2]]
    return {
        "stem": w[0], "first_block": w[1], "units": w[2:],
        "final_expand": make_divisible(BASE_STAGE_WIDTH[-2] * width_mult),
        "feature_mix": make_divisible(BASE_STAGE_WIDTH[-1] * width_mult),
    }


def mid_channels(cin, expand_ratio):
    """DynamicMBConvLayer.active_middle_channel."""
    return make_divisible(round(cin * expand_ratio))


def se_channels(mid):
    """SEModule / DynamicSE: make_divisible(channel // 4, 8)."""
    return make_divisible(mid // 4)


def conv_out(size, stride):
    """Output size of a k x k convolution with OFA's same padding (k // 2), odd k."""
    return (size - 1) // stride + 1


class Layer:
    """One entry of OFA's latency look-up table: kind and shapes, plus what the graph needs."""

    def __init__(self, kind, size, cin, cout, out_size=None, mid=None, kernel=None, stride=1, idskip=0, se=0, hs=0):
        self.kind, self.size, self.cin, self.cout = kind, size, cin, cout
        self.out_size = out_size if out_size is not None else size
        self.mid, self.kernel, self.stride, self.idskip, self.se, self.hs = mid, kernel, stride, idskip, se, hs

    def key(self):
        """The key as OFA's MBv3LatencyTable.query spells it."""
        s, o = self.size, self.out_size
        if self.kind == "Logits":
            return "Logits-input:1x1x%d-output:%d" % (self.cin, self.cout)
        k = "%s-input:%dx%dx%d-output:%dx%dx%d" % (self.kind, s, s, self.cin, o, o, self.cout)
        if self.kind == "expanded_conv":
            k += "-expand:%d-kernel:%d-stride:%d-idskip:%d-se:%d-hs:%d" % (
                self.mid, self.kernel, self.stride, self.idskip, self.se, self.hs)
        return k

    def input_shape(self):
        return [1, self.cin, self.size, self.size]


def check_arch(arch):
    for name, n in (("ks", UNITS * MAX_DEPTH), ("e", UNITS * MAX_DEPTH), ("d", UNITS)):
        v = arch.get(name)
        if not isinstance(v, list) or len(v) != n or not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            raise ValueError("'%s' must be a list of %d integers" % (name, n))
    if not all(k in (1, 3, 5, 7, 9) for k in arch["ks"]):
        raise ValueError("kernel sizes must be odd, 1 to 9")
    if not all(1 <= e <= 8 for e in arch["e"]):
        raise ValueError("expand ratios must be 1 to 8")
    if not all(1 <= d <= MAX_DEPTH for d in arch["d"]):
        raise ValueError("depths must be 1 to %d" % MAX_DEPTH)
    r = arch.get("r", arch.get("image_size"))
    if isinstance(r, list) and len(r) == 1:
        r = r[0]
    if not isinstance(r, int) or isinstance(r, bool) or not 32 <= r <= 1024:
        raise ValueError("'r' must be an integer resolution, 32 to 1024")
    return r


def subnet_layers(width_mult, arch):
    """The layers of OFA's active subnet for a net setting, in order, as latency-table entries
    (MBv3LatencyTable.predict_network_latency): stem Conv, the fixed first block, every active
    block, Conv_1, AvgPool2D, Conv_2, Logits."""
    r = check_arch(arch)
    w = widths(width_mult)
    f = conv_out(r, 2)
    layers = [Layer("Conv", r, 3, w["stem"], out_size=f)]
    stem, first = w["stem"], w["first_block"]
    layers.append(Layer("expanded_conv", f, stem, first, mid=stem, kernel=3, stride=1,
                        idskip=int(stem == first), se=0, hs=0))
    cin = first
    for u in range(UNITS):
        cout = w["units"][u]
        for j in range(arch["d"][u]):
            b = u * MAX_DEPTH + j
            stride = UNIT_STRIDES[u] if j == 0 else 1
            fo = conv_out(f, stride)
            layers.append(Layer("expanded_conv", f, cin, cout, out_size=fo, mid=mid_channels(cin, arch["e"][b]),
                                kernel=arch["ks"][b], stride=stride, idskip=int(stride == 1 and cin == cout),
                                se=int(UNIT_SE[u]), hs=int(UNIT_HSWISH[u])))
            cin, f = cout, fo
    layers.append(Layer("Conv_1", f, cin, w["final_expand"]))
    layers.append(Layer("AvgPool2D", f, w["final_expand"], w["final_expand"], out_size=1))
    layers.append(Layer("Conv_2", 1, w["final_expand"], w["feature_mix"]))
    layers.append(Layer("Logits", 1, w["feature_mix"], CLASSES))
    return layers


# ---------------------------------------------------------------------------------------------
# Latency-table keys
# ---------------------------------------------------------------------------------------------

_SHAPE = r"input:(\d+)x(\d+)x(\d+)-output:(\d+)x(\d+)x(\d+)"
_MB_OFA = re.compile(r"^expanded_conv-" + _SHAPE + r"-expand:(\d+)-kernel:(\d+)-stride:(\d+)-idskip:([01])-se:([01])-hs:([01])$")
_MB_NSGA = re.compile(r"^MBConv-" + _SHAPE + r"-expand:(\d+)-kernel:(\d+)-stride:(\d+)-idskip:([01])-se:([01])$")
_PLAIN = re.compile(r"^(Conv|Conv_1|AvgPool2D|Conv_2|first_conv|final_expand_layer|feature_mix_layer)-" + _SHAPE + r"$")
_LOGITS = re.compile(r"^(?:Logits-input:1x1x(\d+)|classifier-input:(\d+))-output:(\d+)$")
_ALIASES = {"first_conv": "Conv", "final_expand_layer": "Conv_1", "feature_mix_layer": "Conv_2"}
_MAX_CH = 8192


def parse_key(key):
    """A look-up-table key as a Layer; ValueError naming the problem for anything else."""
    if not isinstance(key, str):
        raise ValueError("a layer key must be a string")
    m = _LOGITS.match(key)
    if m:
        cin, cout = int(m.group(1) or m.group(2)), int(m.group(3))
        if not (0 < cin <= _MAX_CH and 0 < cout <= 100000):
            raise ValueError("channels out of range")
        return Layer("Logits", 1, cin, cout)
    m = _PLAIN.match(key)
    if m:
        kind = _ALIASES.get(m.group(1), m.group(1))
        h, w, cin, oh, ow, cout = map(int, m.groups()[1:])
        _check_shape(h, w, cin, oh, ow, cout)
        if kind == "Conv":
            if cin != 3 or oh != conv_out(h, 2):
                raise ValueError("Conv (stem) is 3x3 stride 2 from 3 channels: output %dx%d expected" % (conv_out(h, 2), conv_out(h, 2)))
            return Layer("Conv", h, cin, cout, out_size=oh)
        if kind == "AvgPool2D":
            if oh != 1 or cin != cout:
                raise ValueError("AvgPool2D is global: output 1x1x%d expected" % cin)
            return Layer("AvgPool2D", h, cin, cout, out_size=1)
        if oh != h:
            raise ValueError("%s is a 1x1 stride-1 convolution: output %dx%d expected" % (kind, h, h))
        if kind == "Conv_2" and h != 1:
            raise ValueError("Conv_2 (feature mix) runs on the pooled 1x1 map")
        return Layer(kind, h, cin, cout)
    m = _MB_OFA.match(key) or _MB_NSGA.match(key)
    if m:
        g = list(map(int, m.groups()))
        h, w, cin, oh, ow, cout, expand, kernel, stride, idskip, se = g[:11]
        _check_shape(h, w, cin, oh, ow, cout)
        if m.re is _MB_OFA:
            mid, hs = expand, g[11]
        else:   # nsganetv2: expand is the ratio; the activation follows OFA's units (h-swish from 80/96 channels)
            mid = cin if expand == 1 else mid_channels(cin, expand)
            hs = int(cout >= 80)
        if kernel % 2 == 0 or not 1 <= kernel <= 9:
            raise ValueError("kernel must be odd, 1 to 9")
        if stride not in (1, 2) or oh != conv_out(h, stride):
            raise ValueError("stride %d gives output %dx%d" % (stride, conv_out(h, stride), conv_out(h, stride)))
        if not 0 < mid <= _MAX_CH:
            raise ValueError("expand (middle channels) out of range")
        if idskip != int(stride == 1 and cin == cout):
            raise ValueError("idskip must be %d (OFA adds the identity exactly when stride is 1 and input and output "
                             "channels are equal)" % int(stride == 1 and cin == cout))
        return Layer("expanded_conv", h, cin, cout, out_size=oh, mid=mid, kernel=kernel, stride=stride,
                     idskip=idskip, se=se, hs=hs)
    raise ValueError("not an OFA latency-table key (Conv, expanded_conv, Conv_1, AvgPool2D, Conv_2, Logits)")


def _check_shape(h, w, cin, oh, ow, cout):
    if h != w or oh != ow:
        raise ValueError("only square feature maps")
    if not (0 < h <= 2048 and 0 < oh <= 2048 and 0 < cin <= _MAX_CH and 0 < cout <= _MAX_CH):
        raise ValueError("sizes or channels out of range")


# ---------------------------------------------------------------------------------------------
# ONNX graphs
# ---------------------------------------------------------------------------------------------

class GraphBuilder:
    """ONNX nodes for OFA's layers, with seeded random weights. Convolutions followed by a batch
    norm in OFA are emitted with the norm folded in (weight and bias) and marked with
    doc_string 'bn-folded' so that parameter counts can add the norm's scale and shift back."""

    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, base):
        self.n += 1
        return "%s_%d" % (base, self.n)

    def const(self, base, array):
        t = numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), self.name(base))
        self.inits.append(t)
        return t.name

    def node(self, op, inputs, doc=None, **attrs):
        out = self.name(op.lower())
        n = helper.make_node(op, inputs, [out], name=out, **attrs)
        if doc:
            n.doc_string = doc
        self.nodes.append(n)
        return out

    def conv(self, x, cin, cout, k, stride=1, groups=1, bn=True, bias=False, act=None):
        fan_in = cin // groups * k * k
        w = self.rng.standard_normal((cout, cin // groups, k, k)).astype(np.float32) * np.sqrt(2.0 / fan_in)
        inputs = [x, self.const("w", w)]
        if bn or bias:
            inputs.append(self.const("b", 0.1 * self.rng.standard_normal(cout)))
        p = k // 2
        y = self.node("Conv", inputs, doc="bn-folded" if bn else None, kernel_shape=[k, k],
                      strides=[stride, stride], pads=[p, p, p, p], group=groups)
        return self.act(y, act)

    def act(self, x, act):
        if act is None:
            return x
        if act == "relu":
            return self.node("Relu", [x])
        if act == "h_swish":       # x * relu6(x + 3) / 6
            return self.node("HardSwish", [x])
        if act == "h_sigmoid":     # relu6(x + 3) / 6
            return self.node("HardSigmoid", [x], alpha=1.0 / 6.0, beta=0.5)
        raise ValueError(act)

    def se(self, x, channels):
        """SEModule: global mean, 1x1 reduce (+bias) + ReLU, 1x1 expand (+bias) + h-sigmoid, scale."""
        s = se_channels(channels)
        y = self.node("GlobalAveragePool", [x])
        y = self.conv(y, channels, s, 1, bn=False, bias=True, act="relu")
        y = self.conv(y, s, channels, 1, bn=False, bias=True, act="h_sigmoid")
        return self.node("Mul", [x, y])

    def layer(self, x, L):
        """Emit one latency-table layer; x has L.input_shape()."""
        if L.kind == "Conv":
            return self.conv(x, L.cin, L.cout, 3, stride=2, act="h_swish")
        if L.kind == "expanded_conv":
            act = "h_swish" if L.hs else "relu"
            y = x
            if L.mid != L.cin:     # expand ratio 1 (the fixed first block) has no inverted bottleneck
                y = self.conv(y, L.cin, L.mid, 1, act=act)
            y = self.conv(y, L.mid, L.mid, L.kernel, stride=L.stride, groups=L.mid, act=act)
            if L.se:
                y = self.se(y, L.mid)
            y = self.conv(y, L.mid, L.cout, 1)          # point-linear: conv + BN, no activation
            if L.idskip:
                y = self.node("Add", [y, x])
            return y
        if L.kind == "Conv_1":
            return self.conv(x, L.cin, L.cout, 1, act="h_swish")
        if L.kind == "AvgPool2D":
            return self.node("GlobalAveragePool", [x])
        if L.kind == "Conv_2":     # feature mix: no bias, no BN
            return self.conv(x, L.cin, L.cout, 1, bn=False, bias=False, act="h_swish")
        if L.kind == "Logits":     # LinearLayer (dropout is inactive at inference)
            y = self.node("Flatten", [x], axis=1)
            w = self.rng.standard_normal((L.cout, L.cin)).astype(np.float32) * np.sqrt(1.0 / L.cin)
            return self.node("Gemm", [y, self.const("w", w), self.const("b", 0.01 * self.rng.standard_normal(L.cout))],
                             transB=1)
        raise ValueError(L.kind)

    def model(self, layers, graph_name):
        shape = layers[0].input_shape()
        x = "input"
        y = x
        for L in layers:
            y = self.layer(y, L)
        last = layers[-1]
        out_shape = [1, last.cout] if last.kind == "Logits" else [1, last.cout, last.out_size, last.out_size]
        out = helper.make_tensor_value_info(y, TensorProto.FLOAT, out_shape)
        graph = helper.make_graph(self.nodes, graph_name, [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape)],
                                  [out], initializer=self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="ofasearch-ort-evaluator")
        m.ir_version = IR_VERSION
        return m


def subnet_model(space, arch, seed=0):
    if space not in SPACES:
        raise ValueError("unknown space '%s'; this evaluator builds %s" % (space, ", ".join(sorted(SPACES))))
    layers = subnet_layers(SPACES[space], arch)
    return GraphBuilder(seed).model(layers, "subnet"), layers


def layer_model(key, seed=0):
    L = parse_key(key)
    return GraphBuilder(seed).model([L], "layer"), L


# ---------------------------------------------------------------------------------------------
# Counting (OFA's profile / fvcore conventions), used by check_ort_counts.py
# ---------------------------------------------------------------------------------------------

def count_macs_params(model):
    """MACs and parameters of a graph built here, counted from the graph itself: every Conv
    C_out x C_in/groups x k x k x H_out x W_out, every Gemm in x out; parameters are every
    Conv/Gemm weight and bias, with a 'bn-folded' convolution counted as OFA's unfolded
    conv (no bias) + BatchNorm2d (scale and shift: 2 per output channel)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output) + list(inferred.graph.input):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    inits = {t.name: numpy_helper.to_array(t).shape for t in model.graph.initializer}
    macs = params = 0
    for n in model.graph.node:
        if n.op_type == "Conv":
            w = inits[n.input[1]]
            out = shapes[n.output[0]]
            macs += out[1] * out[2] * out[3] * w[1] * w[2] * w[3]     # cout*H*W * cin/groups * k*k
            params += int(np.prod(w))
            if n.doc_string == "bn-folded":
                params += 2 * w[0]
            elif len(n.input) > 2:
                params += w[0]
        elif n.op_type == "Gemm":
            w = inits[n.input[1]]
            macs += w[0] * w[1]
            params += int(np.prod(w)) + (inits[n.input[2]][0] if len(n.input) > 2 else 0)
    return int(macs), int(params)


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------

class Timer:
    def __init__(self, threads=1, warmup=10, repeats=30, seed=0, clock="wall"):
        import onnxruntime as ort
        self.ort = ort
        self.threads, self.warmup, self.repeats, self.seed = threads, warmup, repeats, seed
        if clock == "thread-cpu" and threads != 1:
            raise ValueError("--clock thread-cpu needs --threads 1 (ONNX Runtime then computes on the calling thread)")
        # wall: elapsed time (what a user waits); thread-cpu: CPU time of the calling thread, which
        # leaves out the time other processes hold the core (for shared, loaded machines)
        self.clock = time.perf_counter_ns if clock == "wall" else time.thread_time_ns

    def session(self, model):
        ort = self.ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = self.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        # Random weights can drive activations into denormals, which real (trained) weights do not.
        so.add_session_config_entry("session.set_denormal_as_zero", "1")
        if self.threads == 1:
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])

    def time(self, model):
        """(median ms, MAD x 1.4826 ms, repeats) of running the model on one fixed random input."""
        sess = self.session(model)
        inp = sess.get_inputs()[0]
        x = np.random.default_rng(self.seed + 1).standard_normal(inp.shape).astype(np.float32)
        binding = sess.io_binding()
        binding.bind_ortvalue_input(inp.name, self.ort.OrtValue.ortvalue_from_numpy(x))
        binding.bind_output(sess.get_outputs()[0].name, "cpu")
        for _ in range(self.warmup):
            sess.run_with_iobinding(binding)
        t = np.empty(self.repeats)
        clock = self.clock
        for i in range(self.repeats):
            t0 = clock()
            sess.run_with_iobinding(binding)
            t[i] = clock() - t0
        t /= 1e6
        med = float(np.median(t))
        mad = float(np.median(np.abs(t - med))) * 1.4826
        return med, mad, self.repeats


def cpu_name():
    """The CPU as the project's latency tables name it: model, family/model/stepping, cache, vector
    extensions, virtual machine (so that measurements of different CPUs are never mixed)."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break                       # the first processor is enough
                k, _, v = line.partition(":")
                info[k.strip()] = v.strip()
    except OSError:
        return platform.processor() or platform.machine()
    flags = set(info.get("flags", "").split())
    ext = "/".join(x for x in ("avx2", "fma", "avx512f") if x in flags)
    parts = ["family %s" % info.get("cpu family", "?"), "model %s" % info.get("model", "?"),
             "stepping %s" % info.get("stepping", "?")]
    if "cache size" in info:
        parts.append("cache %s" % info["cache size"])
    if ext:
        parts.append(ext)
    if "hypervisor" in flags:
        parts.append("virtual machine")
    return "%s (%s)" % (info.get("model name", platform.machine()), ", ".join(parts))


def log(*args):
    print("ort-evaluator:", *args, file=sys.stderr, flush=True)


def reply_value(med, mad, n):
    if not (med > 0 and np.isfinite(med)):
        return {"error": "measured a non-positive or non-finite time (%r ms)" % med}
    return {"value": round(med, 6), "spread": round(mad, 6), "repeats": n}


def handle(request, timer, args):
    rid = request.get("id")
    results = []
    if "layers" in request:
        items = request["layers"] if isinstance(request["layers"], list) else []
        for key in items:
            try:
                model, _ = layer_model(key, args.seed)
                results.append(reply_value(*timer.time(model)))
            except Exception as e:      # noqa: BLE001 - every failure is the key's error
                results.append({"error": "layer %s: %s" % (key, e)})
        log("request %s: %d layers" % (rid, len(items)))
    else:
        space = request.get("space")
        for arch in request.get("archs", []):
            try:
                t0 = time.time()
                model, layers = subnet_model(space, arch, args.seed)
                v = reply_value(*timer.time(model))
                results.append(v)
                log("request %s: %s r%s d%s: %s ms (%.1f s)" % (rid, space, arch.get("r"), arch.get("d"),
                                                                v.get("value"), time.time() - t0))
            except Exception as e:      # noqa: BLE001
                results.append({"error": str(e)})
    return {"id": rid, "results": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads (default 1)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs per graph (default 10)")
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per graph (default 30)")
    parser.add_argument("--pin", type=int, metavar="CORE", help="pin this process to one CPU core")
    parser.add_argument("--clock", choices=["wall", "thread-cpu"], default="wall",
                        help="wall: elapsed time (default); thread-cpu: the calling thread's CPU time, "
                             "robust to other processes on a shared machine (needs --threads 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights and input")
    parser.add_argument("--name", default="ort-cpu", help="evaluator name in the handshake")
    args = parser.parse_args()
    if args.threads < 1 or args.warmup < 0 or args.repeats < 1:
        parser.error("--threads and --repeats must be >= 1, --warmup >= 0")
    if args.clock == "thread-cpu" and args.threads != 1:
        parser.error("--clock thread-cpu needs --threads 1")
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})

    import onnxruntime as ort
    timer = Timer(args.threads, args.warmup, args.repeats, args.seed, args.clock)
    device = "%s, %d cores, %d thread%s%s" % (cpu_name(), os.cpu_count() or 0, args.threads,
                                              "" if args.threads == 1 else "s",
                                              "" if args.pin is None else ", pinned to core %d" % args.pin)
    version = "onnxruntime %s CPU, onnx %s, opset %d, %s, fp32 batch 1, warm-up %d, repeats %d, median, %s clock%s" % (
        ort.__version__, onnx.__version__, OPSET, GRAPH_VERSION, args.warmup, args.repeats, args.clock,
        "" if args.seed == 0 else ", seed %d" % args.seed)
    # "capabilities" is an extension (ORT.md): this worker also answers {"id", "layers": [...]} requests.
    print(json.dumps({"protocol": PROTOCOL, "name": args.name, "metric": "latency_ms",
                      "device": device, "version": version, "capabilities": ["layers"]}), flush=True)
    log("ready: %s; %s" % (device, version))

    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as e:
            log("request is not JSON (%s): %r" % (e, line[:200]))
            sys.exit(2)
        if not isinstance(request, dict):
            log("request is not a JSON object: %r" % line[:200])
            sys.exit(2)
        print(json.dumps(handle(request, timer, args)), flush=True)


if __name__ == "__main__":
    main()
