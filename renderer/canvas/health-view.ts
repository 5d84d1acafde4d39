/**
 * How layer health reads on the canvas: a colour per problem (the legend's),
 * the short figure on a layer's box, and the lines of its tooltip and of the
 * inspector. The figures and the rules are core's (core/train/layer-health.ts).
 */
import {
  HEALTH_PROBLEMS,
  healthFigure as scientific,
  SATURATION_LEVEL,
  worstProblem,
  type HealthProblemId,
  type LayerHealth,
} from '../../core/train/layer-health';

/** What a box is marked as: its worst problem seen in the run, or healthy. */
export type HealthStatus = HealthProblemId | 'healthy';

/** The colour of each status, readable on light and dark backgrounds. */
export const HEALTH_COLOR: Record<HealthStatus, string> = {
  exploding: '#dc2626',
  dying: '#7c3aed',
  saturating: '#ea580c',
  'not-learning': '#0284c7',
  healthy: '#16a34a',
};

/**
 * The worst problem the layer has had in this run, else healthy. A problem
 * seen once stays: a layer that exploded in epoch 1 and sat still since is
 * marked for its explosion.
 */
export function healthStatus(health: LayerHealth): HealthStatus {
  return worstProblem(Object.keys(health.seen) as HealthProblemId[]) ?? 'healthy';
}

const label = (id: HealthProblemId): string => HEALTH_PROBLEMS.find((p) => p.id === id)?.label ?? id;

/** `62%` */
const share = (fraction: number): string => `${Math.round(fraction * 100)}%`;

/** The short text on a layer's box: the problem's name, else its telling figure. */
export function healthBadgeText(health: LayerHealth): string {
  const status = healthStatus(health);
  if (status !== 'healthy') return label(status).toLowerCase();
  if (health.deadShare !== undefined) return `${share(health.deadShare)} dead`;
  if (health.saturatedShare !== undefined) return `${share(health.saturatedShare)} sat.`;
  if (health.updateRatio !== undefined) return `Δ ${scientific(health.updateRatio)}`;
  return 'ok';
}

/**
 * The mark of a closed group: its worst member's status, how many of its
 * measured layers are ailing, and which (so a collapsed ResNet stage shows
 * where to look). Null when none of its layers was measured.
 */
export function groupHealth(
  members: readonly LayerHealth[],
): { status: HealthStatus; text: string; detail: string } | null {
  if (!members.length) return null;
  const ailing = members.filter((m) => healthStatus(m) !== 'healthy');
  const status =
    worstProblem(ailing.flatMap((m) => Object.keys(m.seen) as HealthProblemId[])) ?? ('healthy' as HealthStatus);
  return {
    status,
    text: ailing.length
      ? `${ailing.length}/${members.length} ${label(status as HealthProblemId).toLowerCase()}…`
      : 'healthy',
    detail: ailing.length
      ? ailing.map((m) => `${m.name}: ${label(healthStatus(m) as HealthProblemId).toLowerCase()}`).join('\n')
      : `All ${members.length} measured layers healthy.`,
  };
}

/** Every figure and problem of a layer, one per line, for its tooltip and the inspector. */
export function healthLines(health: LayerHealth, epoch: number): string[] {
  const lines: string[] = [];
  if (health.deadShare !== undefined)
    lines.push(`Dead ReLU units: ${share(health.deadShare)} (never above 0 on the validation batch)`);
  if (health.saturatedShare !== undefined)
    lines.push(`Saturated outputs: ${share(health.saturatedShare)} (beyond ${SATURATION_LEVEL} of the range)`);
  if (health.gradientNorm !== undefined) lines.push(`Gradient norm: ${scientific(health.gradientNorm)}`);
  if (health.updateRatio !== undefined)
    lines.push(`Update / weight ratio: ${scientific(health.updateRatio)} per step (about 1e-3 is healthy)`);
  for (const problem of HEALTH_PROBLEMS) {
    const since = health.seen[problem.id];
    if (since === undefined) continue;
    const now = health.problems.includes(problem.id);
    lines.push(
      `${problem.label} ${now ? `(first in epoch ${since + 1})` : `in epoch ${since + 1}, not now`}: ${problem.advice}`,
    );
  }
  if (!Object.keys(health.seen).length) lines.push(`Healthy through epoch ${epoch + 1}.`);
  return lines;
}
