/** The `README.md` of a PyTorch export: what is in the folder, and how to train on one GPU, N GPUs and several machines. */

/** What the README describes. */
export interface ReadmeFacts {
  name: string;
  className: string;
  /** One sample per input, channels first, e.g. `(3, 32, 32)`. */
  inputs: string;
  trained: boolean;
  params: number;
  statistics: number;
  /** An example `--dataset` for the commands. */
  dataset: string;
  settings: string;
}

/** The README's text. */
export function exportReadme(f: ReadmeFacts): string {
  const count = (n: number) => n.toLocaleString('en-US');
  return `# ${f.name} in PyTorch

Exported from NetCanvas. Needs Python 3, PyTorch and numpy (and Pillow for \`folder:\` datasets).

| File | What it is |
| --- | --- |
| \`model.py\` | \`${f.className}\`, the design as an \`nn.Module\` (inputs channels first, ${f.inputs}), and \`build_model()\` |
| \`train.py\` | the design's training settings as a script: one process, or many with DistributedDataParallel |
${f.trained ? '| `model.weights.bin`, `model.weights.json` | the weights trained in NetCanvas, as TensorFlow.js saved them; `build_model()` converts and loads them |\n' : ''}| \`README.md\` | this file |

The module has ${count(f.params)} parameters${f.statistics ? ` and ${count(f.statistics)} batch-norm statistics` : ''}, as in NetCanvas.

\`\`\`python
from model import build_model
model = build_model()        # ${f.trained ? 'with the trained weights' : 'initialised as NetCanvas initialises it'}, in eval mode
probabilities = model(x)     # x: (N, ${f.inputs.slice(1)}
\`\`\`

\`build_model("run/")\` loads a checkpoint that \`train.py --out run/\` wrote.

## Training

Settings from NetCanvas: ${f.settings}. Every setting has a flag (\`python train.py --help\`); \`--seed\` repeats a run
exactly, and the data (the toy sets' points, the validation split, the order of samples) is what NetCanvas uses for
the same seed.

One process (the GPU when there is one, else the CPU):

\`\`\`sh
python train.py --dataset ${f.dataset} --report run.json --out run/
\`\`\`

N GPUs of one machine (one process per GPU, DistributedDataParallel over NCCL):

\`\`\`sh
torchrun --nproc_per_node 4 train.py --dataset ${f.dataset} --out run/
\`\`\`

Several machines: run the same command on each, with the machine count, this machine's index and one address they
all reach:

\`\`\`sh
torchrun --nnodes 2 --node_rank 0 --nproc_per_node 8 \\
  --rdzv-backend c10d --rdzv-endpoint head-node:29500 --rdzv-id my-run \\
  train.py --dataset ${f.dataset} --out run/
\`\`\`

Without torchrun (for instance where it cannot start, like Debian's PyTorch 1.13 on Python 3.11), start the processes
yourself with the variables torchrun sets; on CPUs they talk over Gloo:

\`\`\`sh
for rank in 0 1; do
  RANK=$rank LOCAL_RANK=$rank WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 \\
    python train.py --dataset ${f.dataset} --device cpu &
done; wait
\`\`\`

How the processes share the work: each takes \`--batch-size\` samples per step from its share of NetCanvas's order of
samples (a DistributedSampler), so N processes take N times as many per step, and the learning rate is multiplied
by N to match (the linear scaling rule of Goyal et al., 2017; \`--lr-scaling none\` keeps the rate as it is). Only
the first process (rank 0) prints, evaluates and writes \`--out\` and \`--report\`; at the end every process prints
a digest of its weights, the same in all of them.

The report is the JSON of \`netcanvas train --report\` (\`history\`, \`test\`, \`samplesPerSecond\`, …) with
\`worldSize\` added and \`backend\` \`pytorch-cpu\` or \`pytorch-cuda\`.

## How it matches NetCanvas

- Layouts: NetCanvas (TensorFlow.js) holds images as NHWC and kernels as HWIO; PyTorch as NCHW and OIHW. The weights
  are converted as they load, and a Flatten puts values back in NHWC order first so the Dense layer after it keeps
  its trained weights.
- TensorFlow's "same" padding puts the odd zero after (bottom, right) when the stride is 2; \`model.py\` pads
  explicitly where PyTorch's even padding would differ.
- Batch norm: Keras's momentum 0.99 is PyTorch's 0.01 (they weigh the old average and the new batch); epsilon is
  the same. During training PyTorch updates the running variance with the unbiased batch variance, TensorFlow.js with
  the biased one: a difference of n/(n-1), only while training.
- A design ending in softmax is trained on \`logits()\` with \`F.cross_entropy\` (log-softmax + NLL), the stable form
  of NetCanvas's loss. Weight decay is NetCanvas's: l1·Σ|w| + l2·Σw² over convolution and dense kernels, in the loss.
- Optimizers keep TensorFlow.js's constants (Adam's epsilon 1e-7, RMSprop's decay 0.9, Adagrad's initial
  accumulator 0.1); augmentations draw their random numbers in NetCanvas's order and resample bilinearly.
`;
}
