/**
 * The WebAssembly text of the Winograd transforms and products that
 * `./winograd` runs on the tfjs wasm backend's heap, for F(2×2, 3×3) and
 * F(4×4, 3×3): the convolution's (input, filter, output transforms), the
 * filter gradient's (the output gradient's transform and the back-transform),
 * and the two kinds of product over all transform positions. Written out
 * by a generator from each algorithm's three matrices (Lavin & Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015): every transform is
 * `Y = L X Rᵀ` on a small tile, unrolled with its constant coefficients, once
 * on 128-bit SIMD vectors (four channels at a time) and once on single floats
 * for the channels left over. The products keep a 4 × 8 block of the result
 * in eight f32x4 registers. The compiled bytes live in `./winograd-wasm`
 * (`npx tsx scripts/build-winograd-wasm.ts` writes them; a test checks they
 * match this text).
 *
 * Every pointer is a byte offset into the backend's memory, which the module
 * imports rather than owning memory of its own: the functions read and write
 * tensors in place, with no copies in or out.
 */

/** One Winograd algorithm F(m×m, 3×3): its output tile side and transform matrices (row-major). */
export interface WinogradAlgorithm {
  /** Output tile side m; the input tile is m + 2. */
  m: number;
  /** Input transform Bᵀ, (m+2)×(m+2): V = Bᵀ d B. */
  bt: number[][];
  /** Filter transform G, (m+2)×3: U = G g Gᵀ. */
  g: number[][];
  /** Output transform Aᵀ, m×(m+2): Y = Aᵀ M A. */
  at: number[][];
}

/** F(2×2, 3×3): 16 products per 4 outputs, the transforms adds only. */
export const F2: WinogradAlgorithm = {
  m: 2,
  bt: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  g: [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

/** F(4×4, 3×3): 36 products per 16 outputs (4× fewer multiplications than direct), interpolation points 0, ±1, ±2. */
export const F4: WinogradAlgorithm = {
  m: 4,
  bt: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  g: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

/** The arithmetic of one vector width: SIMD (`f32x4`, four channels) or scalar (`f32`, one). */
interface Lanes {
  type: 'v128' | 'f32';
  load: string;
  store: string;
  add: string;
  sub: string;
  mul: string;
  max: string;
  neg: string;
  /** A constant of this width with every lane `value`. */
  constant(value: number): string;
  /** Bytes one step of the channel loop covers. */
  step: number;
}

/** A float constant as WebAssembly text: the float32 nearest the value (1/6 and the like are rounded once, here). */
const f32 = (value: number) => `(f32.const ${Math.fround(value)})`;

const SIMD: Lanes = {
  type: 'v128',
  load: 'v128.load',
  store: 'v128.store',
  add: 'f32x4.add',
  sub: 'f32x4.sub',
  mul: 'f32x4.mul',
  max: 'f32x4.max',
  neg: 'f32x4.neg',
  constant: (value) => `(f32x4.splat ${f32(value)})`,
  step: 16,
};

const SCALAR: Lanes = {
  type: 'f32',
  load: 'f32.load',
  store: 'f32.store',
  add: 'f32.add',
  sub: 'f32.sub',
  mul: 'f32.mul',
  max: 'f32.max',
  neg: 'f32.neg',
  constant: f32,
  step: 4,
};

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const get = (name: string) => `(local.get $${name})`;
const locals = (prefix: string, count: number, type: string) =>
  range(count)
    .map((i) => `(local $${prefix}${i} ${type})`)
    .join(' ');

/**
 * `Σ coefficients[k] · terms[k]` as one expression: zero coefficients
 * skipped, ±1 as an add or subtract, others multiplied. It starts from a
 * positive term; a row with none (F(4×4)'s G has −1/6 three times) is the
 * negation of its opposite.
 */
function combination(lanes: Lanes, coefficients: number[], terms: string[]): string {
  if (!coefficients.some((c) => c > 0))
    return `(${lanes.neg} ${combination(
      lanes,
      coefficients.map((c) => -c),
      terms,
    )})`;
  const used = coefficients.map((c, k) => [c, k] as const).filter(([c]) => c !== 0);
  const firstPositive = used.findIndex(([c]) => c > 0);
  const ordered = [used[firstPositive], ...used.filter((_, i) => i !== firstPositive)];
  const scaled = (magnitude: number, k: number) =>
    magnitude === 1 ? terms[k] : `(${lanes.mul} ${terms[k]} ${lanes.constant(magnitude)})`;
  let expression = scaled(ordered[0][0], ordered[0][1]);
  for (const [c, k] of ordered.slice(1)) {
    expression = `(${c > 0 ? lanes.add : lanes.sub} ${expression} ${scaled(Math.abs(c), k)})`;
  }
  return expression;
}

/**
 * `Y = L X Rᵀ` on a tile of the channels at byte `$c`: `load(k, l)` gives
 * X[k][l], `store(i, j, value)` takes Y[i][j]. The first pass (`T = L X`) is
 * kept in locals `<prefix>t…`, X in `<prefix>x…`; the second pass is stored as
 * it is computed.
 */
function tileTransform(
  lanes: Lanes,
  prefix: string,
  left: number[][],
  right: number[][],
  load: (k: number, l: number) => string,
  store: (i: number, j: number, value: string) => string,
): string {
  const rows = left[0].length;
  const cols = right[0].length;
  const lines: string[] = [];
  const x = (k: number, l: number) => `${prefix}x${k * cols + l}`;
  const t = (i: number, l: number) => `${prefix}t${i * cols + l}`;
  for (const k of range(rows)) for (const l of range(cols)) lines.push(`(local.set $${x(k, l)} ${load(k, l)})`);
  left.forEach((row, i) => {
    for (const l of range(cols))
      lines.push(
        `(local.set $${t(i, l)} ${combination(
          lanes,
          row,
          range(rows).map((k) => get(x(k, l))),
        )})`,
      );
  });
  left.forEach((_, i) => {
    right.forEach((row, j) => {
      lines.push(
        store(
          i,
          j,
          combination(
            lanes,
            row,
            range(cols).map((l) => get(t(i, l))),
          ),
        ),
      );
    });
  });
  return lines.join('\n        ');
}

/** The locals {@link tileTransform} uses, for both widths. */
function tileLocals(left: number[][], right: number[][]): string {
  const xs = left[0].length * right[0].length;
  const ts = left.length * right[0].length;
  return `${locals('vx', xs, 'v128')} ${locals('vt', ts, 'v128')} ${locals('sx', xs, 'f32')} ${locals('st', ts, 'f32')}`;
}

/**
 * A loop over the channel bytes `$c … end` in steps of `lanes.step`, running
 * `body` once a step. Both ends are multiples of the step (the caller splits
 * the channels into a SIMD part and a scalar rest).
 */
function channelLoop(label: string, lanes: Lanes, end: string, body: string): string {
  return `
    (block $${label}_done
      (br_if $${label}_done (i32.ge_u (local.get $c) ${end}))
      (loop $${label}
        ${body}
        (local.set $c (i32.add (local.get $c) (i32.const ${lanes.step})))
        (br_if $${label} (i32.lt_u (local.get $c) ${end}))))`;
}

/**
 * A tile's channel loops, SIMD over `$vectorEnd` bytes then scalar up to
 * `$pixel`, with `$at` = the tile's plane offset `tileOffset` + the channel
 * byte `$c` (the transforms read or write the planes there).
 */
function pixelChannelLoops(label: string, tileOffset: string, body: (lanes: Lanes, prefix: string) => string): string {
  const at = `(local.set $at (i32.add (local.get ${tileOffset}) (local.get $c)))`;
  return `(local.set $c (i32.const 0))
          ${channelLoop(`${label}_simd`, SIMD, '(local.get $vectorEnd)', `${at}\n        ${body(SIMD, 'v')}`)}
          ${channelLoop(`${label}_scalar`, SCALAR, '(local.get $pixel)', `${at}\n        ${body(SCALAR, 's')}`)}`;
}

/** Loops over samples, tile rows and tile columns around `tile` (the image pointer advancing by `imageBytes`). */
function tileLoops(m: number, setRow: string, tile: string): string {
  return `
    (block $samples_done (loop $sample
      (br_if $samples_done (i32.ge_u (local.get $n) (local.get $samples)))
      (local.set $ty (i32.const 0))
      (block $rows_done (loop $row
        (br_if $rows_done (i32.ge_u (local.get $ty) (local.get $tileRows)))
        (local.set $r0 (i32.mul (local.get $ty) (i32.const ${m})))
        ${setRow}
        (local.set $tx (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $tx) (local.get $tileCols)))
          (local.set $c0 (i32.mul (local.get $tx) (i32.const ${m})))
          ${tile}
          (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
          (br $col)))
        (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
        (br $row)))
      (local.set $image (i32.add (local.get $image)
        (i32.mul (i32.mul (local.get $height) (local.get $width)) (local.get $pixel))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $sample)))`;
}

/**
 * `<name>(x, zero, v, plane, samples, height, width, channels, tileRows, tileCols, padTop, padLeft, tileBytes)`:
 * `Z = L d Lᵀ` for every tile `d` of `samples` NHWC images at `x`, into
 * `L`'s rows² planes `[tiles, channels]` at `v`, `plane` bytes apart, tiles
 * `tileBytes` apart in (sample, row, column) order (`channels · 4`, or more
 * where a product wants the channels padded). Tile (ty, tx) is the
 * `L`'s columns² block from image row `m·ty − padTop` and column
 * `m·tx − padLeft` on; a pixel outside the image reads `channels` zeros at
 * `zero` instead, so borders need no branches. With `L = Bᵀ` this is the
 * input transform (`V = Bᵀ d B`, tiles overlapping by 2); with `L = A` the
 * output gradient's (`A dY Aᵀ`, the transpose of the output transform, on
 * the m×m blocks of dY, which is the filter gradient's right operand).
 */
function tileGatherTransform(name: string, m: number, left: number[][]): string {
  const side = left[0].length;
  const outSide = left.length;
  const positions = outSide * outSide;
  const reads = side * side;
  const pixelPointers = range(reads)
    .map((k) => {
      const [i, j] = [Math.floor(k / side), k % side];
      const row = `(i32.add (local.get $top) (i32.const ${i}))`;
      const col = `(i32.add (local.get $left) (i32.const ${j}))`;
      // A negative row or column is a huge unsigned number: one compare tests both ends.
      return `(local.set $b${k} (select
          (i32.add (local.get $image) (i32.mul (i32.add (i32.mul ${row} (local.get $width)) ${col}) (local.get $pixel)))
          (local.get $zero)
          (i32.and (i32.lt_u ${row} (local.get $height)) (i32.lt_u ${col} (local.get $width)))))`;
    })
    .join('\n          ');
  const planes = range(positions)
    .map((p) => `(local.set $o${p} (i32.add (local.get $v) (i32.mul (local.get $plane) (i32.const ${p}))))`)
    .join('\n    ');
  const body = (lanes: Lanes, prefix: string) =>
    tileTransform(
      lanes,
      prefix,
      left,
      left,
      (k, l) => `(${lanes.load} (i32.add ${get(`b${k * side + l}`)} (local.get $c)))`,
      (i, j, value) => `(${lanes.store} (i32.add ${get(`o${i * outSide + j}`)} (local.get $at)) ${value})`,
    );
  const tile = `
          (local.set $left (i32.sub (local.get $c0) (local.get $padLeft)))
          ${pixelPointers}
          ${pixelChannelLoops('in', '$vt', body)}
          (local.set $vt (i32.add (local.get $vt) (local.get $tileBytes)))`;
  return `
  (func (export "${name}")
    (param $x i32) (param $zero i32) (param $v i32) (param $plane i32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $tileRows i32) (param $tileCols i32)
    (param $padTop i32) (param $padLeft i32) (param $tileBytes i32)
    (local $pixel i32) (local $vectorEnd i32) (local $n i32) (local $ty i32) (local $tx i32)
    (local $image i32) (local $r0 i32) (local $c0 i32) (local $top i32) (local $left i32) (local $c i32)
    (local $vt i32) (local $at i32)
    ${locals('b', reads, 'i32')} ${locals('o', positions, 'i32')}
    ${tileLocals(left, left)}
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $pixel) (i32.const -16)))
    ${planes}
    (local.set $image (local.get $x))
    ${tileLoops(m, '(local.set $top (i32.sub (local.get $r0) (local.get $padTop)))', tile)}
  )`;
}

const transpose = (matrix: number[][]) => matrix[0].map((_, j) => matrix.map((row) => row[j]));

/**
 * `outputTransform<m>(table, y, sink, bias, low, samples, height, width, channels, tileRows, tileCols, tileBytes)`:
 * the (m+2)² product planes whose byte offsets lie at `table` (i32s; each
 * `[tiles, channels]`, tiles `tileBytes` apart in the input transform's order) back into
 * `samples` NHWC outputs of `height × width` at `y` (`Y = Aᵀ M A`), each value
 * plus the bias at `bias` and at least `low` (0 for ReLU, −∞ otherwise). The
 * part of a tile past an output edge goes to `channels` scratch floats at
 * `sink`, so edges need no branches.
 */
function outputTransform(algorithm: WinogradAlgorithm): string {
  const { m } = algorithm;
  const side = m + 2;
  const positions = side * side;
  const planes = range(positions)
    .map((p) => `(local.set $m${p} (i32.load offset=${4 * p} (local.get $table)))`)
    .join('\n    ');
  const rowsOk = range(m)
    .map((i) => `(local.set $rowOk${i} (i32.lt_u (i32.add (local.get $r0) (i32.const ${i})) (local.get $height)))`)
    .join('\n        ');
  const outputPointers = range(m * m)
    .map((k) => {
      const [i, j] = [Math.floor(k / m), k % m];
      const col = `(i32.add (local.get $c0) (i32.const ${j}))`;
      return `(local.set $y${k} (select
            (i32.add (local.get $image)
              (i32.mul (i32.add (i32.mul (i32.add (local.get $r0) (i32.const ${i})) (local.get $width)) ${col}) (local.get $pixel)))
            (local.get $sink)
            (i32.and (local.get $rowOk${i}) (i32.lt_u ${col} (local.get $width)))))`;
    })
    .join('\n          ');
  const body = (lanes: Lanes, prefix: string) => {
    const bias = `(${lanes.load} (i32.add (local.get $bias) (local.get $c)))`;
    const low = lanes.type === 'v128' ? '(f32x4.splat (local.get $low))' : '(local.get $low)';
    return tileTransform(
      lanes,
      prefix,
      algorithm.at,
      algorithm.at,
      (k, l) => `(${lanes.load} (i32.add ${get(`m${k * side + l}`)} (local.get $at)))`,
      (i, j, value) =>
        `(${lanes.store} (i32.add ${get(`y${i * m + j}`)} (local.get $c)) (${lanes.max} (${lanes.add} ${value} ${bias}) ${low}))`,
    );
  };
  const tile = `
          ${outputPointers}
          ${pixelChannelLoops('out', '$mt', body)}
          (local.set $mt (i32.add (local.get $mt) (local.get $tileBytes)))`;
  return `
  (func (export "outputTransform${m}")
    (param $table i32) (param $y i32) (param $sink i32) (param $bias i32) (param $low f32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $tileRows i32) (param $tileCols i32)
    (param $tileBytes i32)
    (local $pixel i32) (local $vectorEnd i32) (local $n i32) (local $ty i32) (local $tx i32)
    (local $image i32) (local $r0 i32) (local $c0 i32) (local $c i32) (local $mt i32) (local $at i32)
    ${locals('rowOk', m, 'i32')} ${locals('y', m * m, 'i32')} ${locals('m', positions, 'i32')}
    ${tileLocals(algorithm.at, algorithm.at)}
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $pixel) (i32.const -16)))
    ${planes}
    (local.set $image (local.get $y))
    ${tileLoops(m, rowsOk, tile)}
  )`;
}

/**
 * `filterTransform<m>(g, u, count, plane)`: a 3×3 filter `[3, 3, count]` at
 * `g` (count = in × out channels) into (m+2)² planes `[count]` at `u`, `plane`
 * bytes apart (`U = G g Gᵀ`).
 */
function filterTransform(algorithm: WinogradAlgorithm): string {
  const side = algorithm.m + 2;
  const body = (lanes: Lanes, prefix: string) =>
    tileTransform(
      lanes,
      prefix,
      algorithm.g,
      algorithm.g,
      (k, l) =>
        `(${lanes.load} (i32.add (local.get $g) (i32.add (local.get $c) (i32.mul (local.get $bytes) (i32.const ${k * 3 + l})))))`,
      (i, j, value) =>
        `(${lanes.store} (i32.add (local.get $u) (i32.add (local.get $c) (i32.mul (local.get $plane) (i32.const ${i * side + j})))) ${value})`,
    );
  return `
  (func (export "filterTransform${algorithm.m}") (param $g i32) (param $u i32) (param $count i32) (param $plane i32)
    (local $bytes i32) (local $vectorEnd i32) (local $c i32)
    ${tileLocals(algorithm.g, algorithm.g)}
    (local.set $bytes (i32.shl (local.get $count) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $bytes) (i32.const -16)))
    ${channelLoop('filter_simd', SIMD, '(local.get $vectorEnd)', body(SIMD, 'v'))}
    ${channelLoop('filter_scalar', SCALAR, '(local.get $bytes)', body(SCALAR, 's'))}
  )`;
}

/**
 * `filterGradientProduct(v, vPlane, dm, mPlane, c, cPlane, positions, tiles, vRowBytes, mRowBytes, tileBlock, accumulate)`:
 * for each of `positions` planes p, `C[p] (+)= V[p]ᵀ · M[p]` where `V[p]` is
 * `[tiles, vRowBytes / 4]` at `v + p·vPlane`, `M[p]` is `[tiles, mRowBytes / 4]`
 * at `dm + p·mPlane` and `C[p]` is `[vRowBytes / 4, mRowBytes / 4]` at
 * `c + p·cPlane`; `accumulate` 0 overwrites C, 1 adds to it. Rows of V are a
 * multiple of 4 floats and of M a multiple of 8 (the caller pads with zeros).
 *
 * The product is short and wide (a few hundred rows and columns, thousands of
 * tiles deep), the shape XNNPACK's GEMM handles worst (it streams its packed
 * right operand from L2 for every 4 rows of the left). Here each 4 × 8 block
 * of C lives in 8 vector registers while it sweeps `tileBlock` tiles of both
 * operands, which stay in L1 across all the blocks of C; C goes to memory
 * once a block of tiles.
 */
/** The 8 accumulators of a 4 × 8 block of a product's result: `$a<row><half>`, two f32x4 a row. */
const blockAccumulators = range(4).flatMap((r) => [`$a${r}0`, `$a${r}1`]);

/** The block's rows as WebAssembly text, row r at `rowAt(r)`: stored from, or loaded into, the accumulators. */
const blockRows = (operation: 'load' | 'store', rowAt: (r: number) => string) =>
  range(4)
    .map((r) =>
      [0, 1]
        .map((h) =>
          operation === 'load'
            ? `(local.set $a${r}${h} (v128.load offset=${16 * h} ${rowAt(r)}))`
            : `(v128.store offset=${16 * h} ${rowAt(r)} (local.get $a${r}${h}))`,
        )
        .join(' '),
    )
    .join('\n            ');

/**
 * One step of a 4 × 8 block's product: the 8 right-hand floats in `$m0`, `$m1`
 * (loaded by the caller), the left-hand float of row r splatted from
 * `leftAt(r)`, multiplied and added into the row's two accumulators.
 */
const blockStep = (leftAt: (r: number) => string) =>
  range(4)
    .map(
      (r) => `(local.set $s (v128.load32_splat ${leftAt(r)}))
                (local.set $a${r}0 (f32x4.add (local.get $a${r}0) (f32x4.mul (local.get $s) (local.get $m0))))
                (local.set $a${r}1 (f32x4.add (local.get $a${r}1) (f32x4.mul (local.get $s) (local.get $m1))))`,
    )
    .join('\n                ');

function filterGradientProduct(): string {
  const accumulators = blockAccumulators;
  const rowAt = (r: number) => `(i32.add (local.get $cp) (i32.mul (local.get $mRowBytes) (i32.const ${r})))`;
  const loadC = blockRows('load', rowAt);
  const zeroC = accumulators.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ');
  const storeC = blockRows('store', rowAt);
  const multiplyAdd = blockStep((r) => `offset=${4 * r} (local.get $vp)`);
  return `
  (func (export "filterGradientProduct")
    (param $v i32) (param $vPlane i32) (param $dm i32) (param $mPlane i32) (param $c i32) (param $cPlane i32)
    (param $positions i32) (param $tiles i32) (param $vRowBytes i32) (param $mRowBytes i32) (param $tileBlock i32)
    (param $accumulate i32)
    (local $p i32) (local $t0 i32) (local $count i32) (local $co i32) (local $ci i32) (local $fresh i32)
    (local $vBase i32) (local $mBase i32) (local $cBase i32) (local $cp i32) (local $vp i32) (local $mp i32)
    (local $n i32)
    ${accumulators.map((a) => `(local ${a} v128)`).join(' ')} (local $m0 v128) (local $m1 v128) (local $s v128)
    (block $positions_done (loop $position
      (br_if $positions_done (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $vBase (i32.add (local.get $v) (i32.mul (local.get $p) (local.get $vPlane))))
      (local.set $mBase (i32.add (local.get $dm) (i32.mul (local.get $p) (local.get $mPlane))))
      (local.set $cBase (i32.add (local.get $c) (i32.mul (local.get $p) (local.get $cPlane))))
      (local.set $t0 (i32.const 0))
      (block $blocks_done (loop $block
        (br_if $blocks_done (i32.ge_u (local.get $t0) (local.get $tiles)))
        (local.set $count (i32.sub (local.get $tiles) (local.get $t0)))
        (if (i32.gt_u (local.get $count) (local.get $tileBlock)) (then (local.set $count (local.get $tileBlock))))
        (local.set $fresh (i32.and (i32.eqz (local.get $t0)) (i32.eqz (local.get $accumulate))))
        (local.set $co (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $co) (local.get $mRowBytes)))
          (local.set $ci (i32.const 0))
          (block $rows_done (loop $row
            (br_if $rows_done (i32.ge_u (local.get $ci) (local.get $vRowBytes)))
            ;; C rows ci/4 … ci/4 + 3, columns co/4 … co/4 + 7
            (local.set $cp (i32.add (local.get $cBase)
              (i32.add (i32.mul (i32.shr_u (local.get $ci) (i32.const 2)) (local.get $mRowBytes)) (local.get $co))))
            (if (local.get $fresh)
              (then ${zeroC})
              (else
              ${loadC}))
            (local.set $vp (i32.add (local.get $vBase)
              (i32.add (i32.mul (local.get $t0) (local.get $vRowBytes)) (local.get $ci))))
            (local.set $mp (i32.add (local.get $mBase)
              (i32.add (i32.mul (local.get $t0) (local.get $mRowBytes)) (local.get $co))))
            (local.set $n (local.get $count))
            (loop $tile
                (local.set $m0 (v128.load (local.get $mp)))
                (local.set $m1 (v128.load offset=16 (local.get $mp)))
                ${multiplyAdd}
                (local.set $vp (i32.add (local.get $vp) (local.get $vRowBytes)))
                (local.set $mp (i32.add (local.get $mp) (local.get $mRowBytes)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $tile (local.get $n)))
            ${storeC}
            (local.set $ci (i32.add (local.get $ci) (i32.const 16)))
            (br $row)))
          (local.set $co (i32.add (local.get $co) (i32.const 32)))
          (br $col)))
        (local.set $t0 (i32.add (local.get $t0) (local.get $count)))
        (br $block)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $position)))
  )`;
}

/**
 * `convolutionProduct(v, vPlane, u, uPlane, c, cPlane, positions, tiles, depthBytes, columnBytes)`:
 * the convolution's products, for each of `positions` planes p
 * `C[p] = V[p] · U[p]`, where `V[p]` is `[tiles, depthBytes / 4]` (transformed
 * input tiles) at `v + p·vPlane`, `U[p]` is `[depthBytes / 4, columnBytes / 4]`
 * (the transformed filter) at `u + p·uPlane` and `C[p]` is `[tiles,
 * columnBytes / 4]` at `c + p·cPlane`. `tiles` is a multiple of 4 and the
 * columns of 8 (the caller pads). The same 4 × 8 register blocks as
 * {@link filterGradientProduct}, each summed over the whole depth (the input
 * channels) at once, column block by column block so that the block of U
 * stays in L1. Holding blocks of tiles in L1 as well made no difference here
 * (the CIFAR-10 CNN's five layers, CPU ms, one thread: 2 KiB of tiles 19.1,
 * 4 KiB 19.5, 16 KiB 19.3, unblocked 19.6).
 */
function convolutionProduct(): string {
  const rowAt = (r: number) => `(i32.add (local.get $cp) (i32.mul (local.get $columnBytes) (i32.const ${r})))`;
  const zeroC = blockAccumulators.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ');
  const leftAt = (r: number) => (r === 0 ? '(local.get $vp)' : `(i32.add (local.get $vp) (local.get $rowOffset${r}))`);
  return `
  (func (export "convolutionProduct")
    (param $v i32) (param $vPlane i32) (param $u i32) (param $uPlane i32) (param $c i32) (param $cPlane i32)
    (param $positions i32) (param $tiles i32) (param $depthBytes i32) (param $columnBytes i32)
    (local $p i32) (local $t i32) (local $co i32)
    (local $vBase i32) (local $uBase i32) (local $cBase i32) (local $cp i32) (local $vp i32) (local $mp i32)
    (local $n i32) (local $rowOffset1 i32) (local $rowOffset2 i32) (local $rowOffset3 i32)
    ${blockAccumulators.map((a) => `(local ${a} v128)`).join(' ')} (local $m0 v128) (local $m1 v128) (local $s v128)
    (local.set $rowOffset1 (local.get $depthBytes))
    (local.set $rowOffset2 (i32.shl (local.get $depthBytes) (i32.const 1)))
    (local.set $rowOffset3 (i32.mul (local.get $depthBytes) (i32.const 3)))
    (block $positions_done (loop $position
      (br_if $positions_done (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $vBase (i32.add (local.get $v) (i32.mul (local.get $p) (local.get $vPlane))))
      (local.set $uBase (i32.add (local.get $u) (i32.mul (local.get $p) (local.get $uPlane))))
      (local.set $cBase (i32.add (local.get $c) (i32.mul (local.get $p) (local.get $cPlane))))
        (local.set $co (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $co) (local.get $columnBytes)))
          (local.set $t (i32.const 0))
          (block $rows_done (loop $row
            (br_if $rows_done (i32.ge_u (local.get $t) (local.get $tiles)))
            ${zeroC}
            (local.set $vp (i32.add (local.get $vBase) (i32.mul (local.get $t) (local.get $depthBytes))))
            (local.set $mp (i32.add (local.get $uBase) (local.get $co)))
            (local.set $n (local.get $depthBytes))
            (loop $depth
                (local.set $m0 (v128.load (local.get $mp)))
                (local.set $m1 (v128.load offset=16 (local.get $mp)))
                ${blockStep(leftAt)}
                (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
                (local.set $mp (i32.add (local.get $mp) (local.get $columnBytes)))
                (local.set $n (i32.sub (local.get $n) (i32.const 4)))
                (br_if $depth (local.get $n)))
            ;; C rows t … t + 3, columns co/4 … co/4 + 7
            (local.set $cp (i32.add (local.get $cBase)
              (i32.add (i32.mul (local.get $t) (local.get $columnBytes)) (local.get $co))))
            ${blockRows('store', rowAt)}
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $row)))
          (local.set $co (i32.add (local.get $co) (i32.const 32)))
          (br $col)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $position)))
  )`;
}

/**
 * `filterGradientTransform<m>(products, plane, dg, tapBytes, rows, rowBytes, columnBytes)`:
 * the products' (m+2)² planes at `products` (`plane` bytes apart, each `rows` rows
 * of `rowBytes`) back to the filter gradient `dg = Gᵀ dU G`, `[3, 3, rows,
 * columnBytes / 4]` at `dg` (taps `tapBytes` apart): the transpose of the
 * filter transform, on the first `columnBytes` of each row.
 */
function filterGradientTransform(algorithm: WinogradAlgorithm): string {
  const side = algorithm.m + 2;
  const gt = transpose(algorithm.g);
  const planes = range(side * side)
    .map((k) => `(local.set $q${k} (i32.add (local.get $products) (i32.mul (local.get $plane) (i32.const ${k}))))`)
    .join('\n    ');
  const taps = range(9)
    .map((k) => `(local.set $d${k} (i32.add (local.get $dg) (i32.mul (local.get $tapBytes) (i32.const ${k}))))`)
    .join('\n    ');
  const body = (lanes: Lanes, prefix: string) =>
    tileTransform(
      lanes,
      prefix,
      gt,
      gt,
      (k, l) => `(${lanes.load} (i32.add ${get(`q${k * side + l}`)} (i32.add (local.get $src) (local.get $c))))`,
      (i, j, value) =>
        `(${lanes.store} (i32.add ${get(`d${i * 3 + j}`)} (i32.add (local.get $dst) (local.get $c))) ${value})`,
    );
  return `
  (func (export "filterGradientTransform${algorithm.m}")
    (param $products i32) (param $plane i32) (param $dg i32) (param $tapBytes i32) (param $rows i32)
    (param $rowBytes i32) (param $columnBytes i32)
    (local $row i32) (local $src i32) (local $dst i32) (local $vectorEnd i32) (local $c i32)
    ${locals('q', side * side, 'i32')} ${locals('d', 9, 'i32')}
    ${tileLocals(gt, gt)}
    ${planes}
    ${taps}
    (local.set $vectorEnd (i32.and (local.get $columnBytes) (i32.const -16)))
    (block $rows_done (loop $gradient_row
      (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
      (local.set $src (i32.mul (local.get $row) (local.get $rowBytes)))
      (local.set $dst (i32.mul (local.get $row) (local.get $columnBytes)))
      (local.set $c (i32.const 0))
      ${channelLoop('gradient_simd', SIMD, '(local.get $vectorEnd)', body(SIMD, 'v'))}
      ${channelLoop('gradient_scalar', SCALAR, '(local.get $columnBytes)', body(SCALAR, 's'))}
      (local.set $row (i32.add (local.get $row) (i32.const 1)))
      (br $gradient_row)))
  )`;
}

/**
 * The module's text: the five transforms of F(2×2, 3×3) and of F(4×4, 3×3),
 * and the two products.
 * `shared`: the memory it imports is the threaded build's shared memory (a
 * module must declare which kind it imports).
 */
export function winogradWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  const functions = [F2, F4].flatMap((a) => [
    tileGatherTransform(`inputTransform${a.m}`, a.m, a.bt),
    outputTransform(a),
    filterTransform(a),
    tileGatherTransform(`outputGradientTransform${a.m}`, a.m, transpose(a.at)),
    filterGradientTransform(a),
  ]);
  functions.push(filterGradientProduct(), convolutionProduct());
  return `(module
  (import "env" "memory" ${memory})
${functions.join('\n')}
)
`;
}
