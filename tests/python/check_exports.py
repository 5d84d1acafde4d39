"""Checks NetCanvas's PyTorch exports (and ONNX files) for the vitest suites, many designs per process.

Usage: check_exports.py JOBS.json RESULTS.json. JOBS.json lists cases:
  {"id", "dir", "inputs": [{"file", "shape"}]?, "expected": [{"file", "shape"}]?, "onnx": "file"?}
Inputs are float32 in NetCanvas's layout (NHWC); they are handed to the module channels first.
For each case RESULTS.json reports the module's parameter and batch-norm statistic counts, its output
shapes and the largest difference from the expected outputs, or the error the case raised.
"""
import importlib.util
import json
import sys
import traceback

import numpy as np
import torch


def load_module(case_id, folder):
    spec = importlib.util.spec_from_file_location(f"exported_{case_id.replace('-', '_')}", f"{folder}/model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def to_torch_layout(array):
    return array.transpose(0, 3, 1, 2) if array.ndim == 4 else array


def check(case):
    result = {"id": case["id"]}
    if case.get("dir"):
        module = load_module(case["id"], case["dir"])
        model = module.build_model(weights=True)
        result["params"] = sum(p.numel() for p in model.parameters())
        result["trainableParams"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
        result["bnStatistics"] = sum(
            b.numel() for name, b in model.named_buffers() if name.endswith("running_mean") or name.endswith("running_var")
        )
        result["stateDictKeys"] = list(model.state_dict().keys())[:8]
        if case.get("inputs"):
            inputs = [
                torch.from_numpy(np.ascontiguousarray(to_torch_layout(np.fromfile(i["file"], dtype="<f4").reshape(i["shape"]))))
                for i in case["inputs"]
            ]
            with torch.no_grad():
                outputs = model(*inputs)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            result["outputShapes"] = [list(o.shape) for o in outputs]
            diffs = []
            for output, expected in zip(outputs, case.get("expected", [])):
                want = to_torch_layout(np.fromfile(expected["file"], dtype="<f4").reshape(expected["shape"]))
                got = output.numpy()
                diffs.append(float(np.max(np.abs(got - want))) if got.shape == want.shape else None)
            result["maxAbsDiff"] = diffs
            if case.get("argmax"):
                result["argmax"] = outputs[0].argmax(dim=1).tolist()
    if case.get("onnx"):
        import onnx

        model = onnx.load(case["onnx"])
        onnx.checker.check_model(model, full_check=True)
        result["onnxWeights"] = int(sum(np.prod(t.dims, dtype=np.int64) for t in model.graph.initializer))
        result["onnxOpset"] = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")][0]
        result["onnxInputs"] = [
            [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in model.graph.input
        ]
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    torch.manual_seed(0)
    results = []
    for case in cases:
        try:
            results.append(check(case))
        except Exception:  # report every case, not only the first failure
            results.append({"id": case["id"], "error": traceback.format_exc()})
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
