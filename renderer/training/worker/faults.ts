/**
 * Turning a failed run into a message a user can act on: what happened and
 * what to change. The worker classifies; the panel words the advice.
 */
import type { FaultKind } from './worker-protocol';

/**
 * Whether an error message from tfjs or the browser means memory ran out:
 * WebGL texture allocation, a lost GPU context, the wasm heap failing to grow,
 * or an ArrayBuffer the engine could not allocate.
 */
export function classifyFault(message: string): FaultKind {
  return /out of memory|\boom\b|failed to allocate|allocation failed|cannot enlarge memory|webgl context (was )?lost|context lost|array buffer allocation|memory limit|could not allocate/i.test(
    message,
  )
    ? 'out-of-memory'
    : 'other';
}

/** What the user is told, with the setting to change. */
export function faultAdvice(
  kind: FaultKind,
  message: string,
  settings: { learningRate: number; batchSize: number },
): string {
  switch (kind) {
    case 'nan': {
      const lower = Number((settings.learningRate / 10).toPrecision(2));
      return `${message.startsWith('Training stopped') ? message : `The loss became NaN: ${message}`} Suggested: learning rate ${lower}.`;
    }
    case 'out-of-memory': {
      const smaller = Math.max(1, Math.floor(settings.batchSize / 2));
      return `Training ran out of memory at batch size ${settings.batchSize} (${message}). Use a smaller batch, e.g. ${smaller}, or a smaller network.`;
    }
    case 'incompatible':
      return message;
    case 'other':
      return `Training failed: ${message}`;
  }
}
