/**
 * The WebAssembly text of the Winograd F(2×2, 3×3) transforms that
 * `./winograd` runs on the tfjs wasm backend's heap. Written out by a
 * generator because each transform is the same few lines of arithmetic
 * unrolled over a 4×4 tile: once on 128-bit SIMD vectors (four channels at a
 * time) and once on single floats for the channels left over. The compiled
 * bytes live in `./winograd-wasm` (`npx tsx scripts/build-winograd-wasm.ts`
 * writes them; a test checks they match this text).
 *
 * Every pointer is a byte offset into the backend's memory, which the module
 * imports rather than owning memory of its own: the transforms read and write
 * tensors in place, with no copies in or out.
 */

/** The arithmetic of one vector width: SIMD (`f32x4`, four channels) or scalar (`f32`, one). */
interface Lanes {
  type: 'v128' | 'f32';
  load: string;
  store: string;
  add: string;
  sub: string;
  mul: string;
  max: string;
  /** A constant of this width with every lane `value`. */
  splat(value: string): string;
  /** Bytes one step of the channel loop covers. */
  step: number;
}

const SIMD: Lanes = {
  type: 'v128',
  load: 'v128.load',
  store: 'v128.store',
  add: 'f32x4.add',
  sub: 'f32x4.sub',
  mul: 'f32x4.mul',
  max: 'f32x4.max',
  splat: (value) => `(f32x4.splat (f32.const ${value}))`,
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
  splat: (value) => `(f32.const ${value})`,
  step: 4,
};

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const get = (name: string) => `(local.get $${name})`;
const locals = (prefix: string, count: number, type: string) =>
  range(count)
    .map((i) => `(local $${prefix}${i} ${type})`)
    .join(' ');

/**
 * A loop over the channel bytes `$c … $end` in steps of `lanes.step`, running
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
 * Input transform `V = Bᵀ d B` of one 4×4 tile, for the channels at byte `$c`:
 * reads d through the 16 pixel pointers `$b0…$b15` (row-major in the tile),
 * stores V's 16 values at `$o<p> + $vt + $c` (one plane per tile position p).
 * Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. Row i of V is row i of `Bᵀ d`
 * (two rows of d combined) times B: computing each row from fresh loads keeps
 * four vectors live, where holding the whole tile spilled registers (x64 has 16).
 */
function inputTileBody(lanes: Lanes, prefix: string): string {
  const load = (k: number) => `(${lanes.load} (i32.add ${get(`b${k}`)} (local.get $c)))`;
  const e = (j: number) => get(`${prefix}e${j}`);
  // Row i of Bᵀ d as (operation, first row of d, second row of d).
  const rows: [string, number, number][] = [
    [lanes.sub, 0, 2],
    [lanes.add, 1, 2],
    [lanes.sub, 2, 1],
    [lanes.sub, 1, 3],
  ];
  const lines: string[] = [];
  rows.forEach(([op, a, b], i) => {
    for (const j of range(4)) lines.push(`(local.set $${prefix}e${j} (${op} ${load(4 * a + j)} ${load(4 * b + j)}))`);
    const store = (p: number, value: string) =>
      lines.push(`(${lanes.store} (i32.add ${get(`o${p}`)} (i32.add (local.get $vt) (local.get $c))) ${value})`);
    store(4 * i, `(${lanes.sub} ${e(0)} ${e(2)})`);
    store(4 * i + 1, `(${lanes.add} ${e(1)} ${e(2)})`);
    store(4 * i + 2, `(${lanes.sub} ${e(2)} ${e(1)})`);
    store(4 * i + 3, `(${lanes.sub} ${e(1)} ${e(3)})`);
  });
  return lines.join('\n        ');
}

/**
 * `inputTransform(x, zero, v, plane, samples, height, width, channels, tileRows, tileCols, padTop, padLeft)`:
 * the Winograd input tiles of `samples` NHWC images at `x` into 16 planes
 * `[tiles, channels]` at `v`, `plane` bytes apart, tiles in (sample, row,
 * column) order. Tile (ty, tx) reads input rows `2·ty − padTop …+3` and
 * columns `2·tx − padLeft …+3`; a pixel outside the image reads `channels`
 * zeros at `zero` instead, so borders need no branches.
 */
function inputTransform(): string {
  const pixelPointers = range(16)
    .map((k) => {
      const [i, j] = [k >> 2, k & 3];
      const row = `(i32.add (local.get $r0) (i32.const ${i}))`;
      const col = `(i32.add (local.get $c0) (i32.const ${j}))`;
      // A negative row or column is a huge unsigned number: one compare tests both ends.
      return `(local.set $b${k} (select
          (i32.add (local.get $image) (i32.mul (i32.add (i32.mul ${row} (local.get $width)) ${col}) (local.get $pixel)))
          (local.get $zero)
          (i32.and (i32.lt_u ${row} (local.get $height)) (i32.lt_u ${col} (local.get $width)))))`;
    })
    .join('\n      ');
  const planes = range(16)
    .map((p) => `(local.set $o${p} (i32.add (local.get $v) (i32.mul (local.get $plane) (i32.const ${p}))))`)
    .join('\n    ');
  return `
  (func (export "inputTransform")
    (param $x i32) (param $zero i32) (param $v i32) (param $plane i32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $tileRows i32) (param $tileCols i32)
    (param $padTop i32) (param $padLeft i32)
    (local $pixel i32) (local $vectorEnd i32) (local $end i32) (local $n i32) (local $ty i32) (local $tx i32)
    (local $image i32) (local $r0 i32) (local $c0 i32) (local $c i32) (local $vt i32)
    ${locals('b', 16, 'i32')} ${locals('o', 16, 'i32')}
    ${locals('ve', 4, 'v128')} ${locals('se', 4, 'f32')}
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (local.get $pixel))
    (local.set $vectorEnd (i32.and (local.get $pixel) (i32.const -16)))
    ${planes}
    (local.set $image (local.get $x))
    (block $samples_done (loop $sample
      (br_if $samples_done (i32.ge_u (local.get $n) (local.get $samples)))
      (local.set $ty (i32.const 0))
      (block $rows_done (loop $row
        (br_if $rows_done (i32.ge_u (local.get $ty) (local.get $tileRows)))
        (local.set $r0 (i32.sub (i32.shl (local.get $ty) (i32.const 1)) (local.get $padTop)))
        (local.set $tx (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $tx) (local.get $tileCols)))
          (local.set $c0 (i32.sub (i32.shl (local.get $tx) (i32.const 1)) (local.get $padLeft)))
      ${pixelPointers}
          (local.set $c (i32.const 0))
          ${channelLoop('in_simd', SIMD, '(local.get $vectorEnd)', inputTileBody(SIMD, 'v'))}
          ${channelLoop('in_scalar', SCALAR, '(local.get $end)', inputTileBody(SCALAR, 's'))}
          (local.set $vt (i32.add (local.get $vt) (local.get $pixel)))
          (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
          (br $col)))
        (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
        (br $row)))
      (local.set $image (i32.add (local.get $image)
        (i32.mul (i32.mul (local.get $height) (local.get $width)) (local.get $pixel))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $sample)))
  )`;
}

/**
 * Output transform `Y = Aᵀ m A` of one tile for the channels at byte `$c`,
 * plus the bias, then clamped below at `$low` (0 for ReLU, −∞ otherwise):
 * reads m at `$m<p> + $mt + $c`, writes the 2×2 outputs through `$y00…$y11`.
 * Aᵀ = [1 1 1 0; 0 1 −1 −1].
 */
function outputTileBody(lanes: Lanes, prefix: string): string {
  const m = (k: number) => get(`${prefix}m${k}`);
  const s = (k: number) => get(`${prefix}s${k}`);
  const lines: string[] = [];
  for (const k of range(16))
    lines.push(
      `(local.set $${prefix}m${k} (${lanes.load} (i32.add ${get(`m${k}`)} (i32.add (local.get $mt) (local.get $c)))))`,
    );
  // Columns first: s = Aᵀ m (2×4).
  for (const j of range(4)) {
    const [m0, m1, m2, m3] = [m(j), m(4 + j), m(8 + j), m(12 + j)];
    lines.push(`(local.set $${prefix}s${j} (${lanes.add} (${lanes.add} ${m0} ${m1}) ${m2}))`);
    lines.push(`(local.set $${prefix}s${4 + j} (${lanes.sub} (${lanes.sub} ${m1} ${m2}) ${m3}))`);
  }
  const bias = `(${lanes.load} (i32.add (local.get $bias) (local.get $c)))`;
  const low = lanes.type === 'v128' ? '(f32x4.splat (local.get $low))' : '(local.get $low)';
  const finish = (value: string) => `(${lanes.max} (${lanes.add} ${value} ${bias}) ${low})`;
  for (const i of range(2)) {
    const [s0, s1, s2, s3] = [s(4 * i), s(4 * i + 1), s(4 * i + 2), s(4 * i + 3)];
    lines.push(
      `(${lanes.store} (i32.add (local.get $y${i}0) (local.get $c)) ${finish(`(${lanes.add} (${lanes.add} ${s0} ${s1}) ${s2})`)})`,
    );
    lines.push(
      `(${lanes.store} (i32.add (local.get $y${i}1) (local.get $c)) ${finish(`(${lanes.sub} (${lanes.sub} ${s1} ${s2}) ${s3})`)})`,
    );
  }
  return lines.join('\n        ');
}

/**
 * `outputTransform(table, y, sink, bias, low, samples, height, width, channels, tileRows, tileCols)`:
 * the 16 product planes whose byte offsets lie at `table` (16 i32s; each
 * `[tiles, channels]`, tiles in the input transform's order) into `samples`
 * NHWC outputs of `height × width` at `y`, each value plus the bias at `bias`
 * and at least `low`. A tile's second row or column that falls outside an odd
 * output goes to `channels` scratch floats at `sink`, so edges need no branches.
 */
function outputTransform(): string {
  const planes = range(16)
    .map((p) => `(local.set $m${p} (i32.load offset=${4 * p} (local.get $table)))`)
    .join('\n    ');
  return `
  (func (export "outputTransform")
    (param $table i32) (param $y i32) (param $sink i32) (param $bias i32) (param $low f32) (param $samples i32)
    (param $height i32) (param $width i32) (param $channels i32) (param $tileRows i32) (param $tileCols i32)
    (local $pixel i32) (local $vectorEnd i32) (local $end i32) (local $n i32) (local $ty i32) (local $tx i32)
    (local $image i32) (local $c i32) (local $mt i32) (local $rowOk i32) (local $colOk i32)
    (local $y00 i32) (local $y01 i32) (local $y10 i32) (local $y11 i32)
    ${locals('m', 16, 'i32')}
    ${locals('vm', 16, 'v128')} ${locals('vs', 8, 'v128')} ${locals('sm', 16, 'f32')} ${locals('ss', 8, 'f32')}
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (local.get $pixel))
    (local.set $vectorEnd (i32.and (local.get $pixel) (i32.const -16)))
    ${planes}
    (local.set $image (local.get $y))
    (block $samples_done (loop $sample
      (br_if $samples_done (i32.ge_u (local.get $n) (local.get $samples)))
      (local.set $ty (i32.const 0))
      (block $rows_done (loop $row
        (br_if $rows_done (i32.ge_u (local.get $ty) (local.get $tileRows)))
        (local.set $rowOk (i32.lt_u (i32.or (i32.shl (local.get $ty) (i32.const 1)) (i32.const 1)) (local.get $height)))
        (local.set $tx (i32.const 0))
        (block $cols_done (loop $col
          (br_if $cols_done (i32.ge_u (local.get $tx) (local.get $tileCols)))
          (local.set $colOk (i32.lt_u (i32.or (i32.shl (local.get $tx) (i32.const 1)) (i32.const 1)) (local.get $width)))
          (local.set $y00 (i32.add (local.get $image) (i32.mul (local.get $pixel)
            (i32.add (i32.mul (i32.shl (local.get $ty) (i32.const 1)) (local.get $width)) (i32.shl (local.get $tx) (i32.const 1))))))
          (local.set $y01 (select (i32.add (local.get $y00) (local.get $pixel)) (local.get $sink) (local.get $colOk)))
          (local.set $y10 (select (i32.add (local.get $y00) (i32.mul (local.get $width) (local.get $pixel)))
            (local.get $sink) (local.get $rowOk)))
          (local.set $y11 (select (i32.add (local.get $y10) (local.get $pixel)) (local.get $sink)
            (i32.and (local.get $rowOk) (local.get $colOk))))
          (local.set $c (i32.const 0))
          ${channelLoop('out_simd', SIMD, '(local.get $vectorEnd)', outputTileBody(SIMD, 'v'))}
          ${channelLoop('out_scalar', SCALAR, '(local.get $end)', outputTileBody(SCALAR, 's'))}
          (local.set $mt (i32.add (local.get $mt) (local.get $pixel)))
          (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
          (br $col)))
        (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
        (br $row)))
      (local.set $image (i32.add (local.get $image)
        (i32.mul (i32.mul (local.get $height) (local.get $width)) (local.get $pixel))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $sample)))
  )`;
}

/**
 * Filter transform `U = G g Gᵀ` body for the values at byte `$c`: reads the
 * 3×3 taps at `$g + tap·$plane3 + $c`, writes 16 planes at `$u + p·$plane4 + $c`.
 * G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
 */
function filterBody(lanes: Lanes, prefix: string): string {
  const g = (k: number) => get(`${prefix}g${k}`);
  const t = (k: number) => get(`${prefix}t${k}`);
  const half = lanes.splat('0.5');
  const lines: string[] = [];
  for (const k of range(9))
    lines.push(`(local.set $${prefix}g${k} (${lanes.load} (i32.add ${get(`gp${k}`)} (local.get $c))))`);
  // t = G g (4×3), one column of taps at a time.
  for (const j of range(3)) {
    const [g0, g1, g2] = [g(j), g(3 + j), g(6 + j)];
    lines.push(`(local.set $${prefix}t${j} ${g0})`);
    lines.push(
      `(local.set $${prefix}t${3 + j} (${lanes.mul} (${lanes.add} (${lanes.add} ${g0} ${g1}) ${g2}) ${half}))`,
    );
    lines.push(
      `(local.set $${prefix}t${6 + j} (${lanes.mul} (${lanes.add} (${lanes.sub} ${g0} ${g1}) ${g2}) ${half}))`,
    );
    lines.push(`(local.set $${prefix}t${9 + j} ${g2})`);
  }
  const store = (p: number, value: string) =>
    lines.push(`(${lanes.store} (i32.add ${get(`up${p}`)} (local.get $c)) ${value})`);
  for (const i of range(4)) {
    const [t0, t1, t2] = [t(3 * i), t(3 * i + 1), t(3 * i + 2)];
    store(4 * i, t0);
    store(4 * i + 1, `(${lanes.mul} (${lanes.add} (${lanes.add} ${t0} ${t1}) ${t2}) ${half})`);
    store(4 * i + 2, `(${lanes.mul} (${lanes.add} (${lanes.sub} ${t0} ${t1}) ${t2}) ${half})`);
    store(4 * i + 3, t2);
  }
  return lines.join('\n      ');
}

/**
 * `filterTransform(g, u, count)`: a 3×3 filter `[3, 3, count]` at `g` (count =
 * in × out channels) into 16 planes `[count]` at `u`.
 */
function filterTransform(): string {
  const taps = range(9)
    .map((k) => `(local.set $gp${k} (i32.add (local.get $g) (i32.mul (local.get $bytes) (i32.const ${k}))))`)
    .join('\n    ');
  const planes = range(16)
    .map((p) => `(local.set $up${p} (i32.add (local.get $u) (i32.mul (local.get $bytes) (i32.const ${p}))))`)
    .join('\n    ');
  return `
  (func (export "filterTransform") (param $g i32) (param $u i32) (param $count i32)
    (local $bytes i32) (local $vectorEnd i32) (local $c i32)
    ${locals('gp', 9, 'i32')} ${locals('up', 16, 'i32')}
    ${locals('vg', 9, 'v128')} ${locals('vt', 12, 'v128')} ${locals('sg', 9, 'f32')} ${locals('st', 12, 'f32')}
    (local.set $bytes (i32.shl (local.get $count) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $bytes) (i32.const -16)))
    ${taps}
    ${planes}
    ${channelLoop('filter_simd', SIMD, '(local.get $vectorEnd)', filterBody(SIMD, 'v'))}
    ${channelLoop('filter_scalar', SCALAR, '(local.get $bytes)', filterBody(SCALAR, 's'))}
  )`;
}

/**
 * The module's text. `shared`: the memory it imports is the threaded build's
 * shared memory (a module must declare which kind it imports).
 */
export function winogradWat(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
${inputTransform()}
${outputTransform()}
${filterTransform()}
)
`;
}
