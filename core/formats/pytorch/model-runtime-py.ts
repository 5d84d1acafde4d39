/**
 * The part of `model.py` that is the same for every design: reading the
 * TensorFlow.js weights (numpy only), initialising weights as NetCanvas
 * does, and `build_model`. Python source, kept as a string so core needs no
 * file access; the tests run it under Debian's PyTorch.
 */

/** Python source appended to every `model.py`, after the design's classes and tables. */
export const MODEL_RUNTIME_PY = String.raw`
def _tfjs_arrays(manifest_path):
    """Reads a TensorFlow.js weights manifest and the files it names: {weight name: numpy array}."""
    folder = os.path.dirname(os.path.abspath(manifest_path))
    with open(manifest_path, encoding="utf-8") as f:
        groups = json.load(f)
    if isinstance(groups, dict):  # a whole model.json
        groups = groups.get("weightsManifest") or []
    arrays = {}
    for group in groups:
        data = b"".join(open(os.path.join(folder, path), "rb").read() for path in group["paths"])
        offset = 0
        for entry in group["weights"]:
            if "quantization" in entry:
                raise ValueError(f"{manifest_path}: weight {entry['name']} is quantized; export it unquantized")
            dtype = {"float32": np.float32, "int32": np.int32}.get(entry["dtype"])
            if dtype is None:
                raise ValueError(f"{manifest_path}: weight {entry['name']} has dtype {entry['dtype']}, expected float32")
            count = int(np.prod(entry["shape"], dtype=np.int64))
            size = count * 4
            if offset + size > len(data):
                raise ValueError(f"{manifest_path}: the weight files end inside {entry['name']}")
            arrays[entry["name"]] = np.frombuffer(data, dtype="<" + np.dtype(dtype).str[1:], count=count, offset=offset).reshape(entry["shape"])
            offset += size
        if offset != len(data):
            raise ValueError(f"{manifest_path}: {len(data) - offset} bytes after the last weight of {group['paths']}")
    return arrays


def _to_torch_layout(array, layout):
    """One tfjs weight array in PyTorch's layout (see TFJS_WEIGHTS)."""
    if layout == "dense":  # (in, out) -> (out, in)
        return array.T
    if layout == "conv":  # HWIO -> OIHW
        return array.transpose(3, 2, 0, 1)
    if layout == "depthwise":  # (H, W, C, M) -> (C*M, 1, H, W); output channel c*M + m, as groups=C orders them
        h, w, c, m = array.shape
        return array.reshape(h, w, c * m).transpose(2, 0, 1)[:, None]
    return array


def load_tfjs_weights(model, manifest_path=None):
    """Loads weights trained in NetCanvas (TensorFlow.js files) into the module, converting each layout.

    Every weight the module needs must be there with the right shape, and the files must hold nothing else.
    """
    manifest_path = manifest_path or os.path.join(os.path.dirname(os.path.abspath(__file__)), WEIGHTS_MANIFEST)
    arrays = _tfjs_arrays(manifest_path)
    state = model.state_dict()
    missing = [name for name in TFJS_WEIGHTS if name not in arrays]
    extra = [name for name in arrays if name not in TFJS_WEIGHTS]
    if missing or extra:
        raise ValueError(f"{manifest_path} does not fit this design: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, (key, layout) in TFJS_WEIGHTS.items():
        value = _to_torch_layout(arrays[name], layout)
        if tuple(value.shape) != tuple(state[key].shape):
            raise ValueError(f"{manifest_path}: {name} converts to {tuple(value.shape)}, {key} is {tuple(state[key].shape)}")
        state[key] = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    model.load_state_dict(state)
    return model


def _fans(model, key, layout):
    """Keras's fan-in and fan-out of a kernel (computed on its tfjs shape), for the initializers."""
    shape = model.state_dict()[key].shape
    if layout == "dense":
        return shape[1], shape[0]
    receptive = shape[2] * shape[3]
    if layout == "depthwise":
        channels = model.get_submodule(key.rsplit(".", 1)[0]).groups
        return channels * receptive, shape[0] // channels * receptive
    return shape[1] * receptive, shape[0] * receptive


def init_weights(model, initializer=KERNEL_INITIALIZER):
    """Initialises the module as NetCanvas (TensorFlow.js) does: kernels by initializer, biases and shifts 0,
    scales 1, batch-norm statistics 0 and 1. Names as in NetCanvas: glorotUniform, glorotNormal, heNormal,
    heUniform, leCunNormal, leCunUniform."""
    scale, mode, distribution = {
        "glorotUniform": (1.0, "fan_avg", "uniform"),
        "glorotNormal": (1.0, "fan_avg", "normal"),
        "heNormal": (2.0, "fan_in", "normal"),
        "heUniform": (2.0, "fan_in", "uniform"),
        "leCunNormal": (1.0, "fan_in", "normal"),
        "leCunUniform": (1.0, "fan_in", "uniform"),
    }[initializer]
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    with torch.no_grad():
        for key, layout in TFJS_WEIGHTS.values():
            tensor = params.get(key, buffers.get(key))
            if layout != "vector":
                fan_in, fan_out = _fans(model, key, layout)
                n = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
                if distribution == "uniform":
                    limit = math.sqrt(3.0 * scale / n)
                    tensor.uniform_(-limit, limit)
                else:  # TensorFlow.js draws from a normal truncated at two standard deviations
                    std = math.sqrt(scale / n)
                    nn.init.trunc_normal_(tensor, 0.0, std, -2 * std, 2 * std)
            elif key.endswith(".weight") or key.endswith("running_var"):
                tensor.fill_(1.0)
            else:
                tensor.zero_()
    return model


def build_model(weights=True):
    """The design as a module, in evaluation mode.

    weights=True loads the weights exported with it (trained in NetCanvas) when there are any, and otherwise
    initialises them as NetCanvas would; False always initialises; a path loads a checkpoint that train.py
    wrote (a .pt file, or the folder holding model.pt).
    """
    model = init_weights(MODEL_CLASS())
    here = os.path.dirname(os.path.abspath(__file__))
    if weights is True:
        if os.path.exists(os.path.join(here, WEIGHTS_MANIFEST)):
            load_tfjs_weights(model)
    elif weights:
        path = os.fspath(weights)
        if os.path.isdir(path):
            path = os.path.join(path, "model.pt")
        checkpoint = torch.load(path, map_location="cpu")
        model.load_state_dict(checkpoint.get("model", checkpoint))
    return model.eval()
`;
