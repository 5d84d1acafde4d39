/**
 * A child process for model-folder.test.ts: writes the model folder given on
 * the command line over and over, alternating two models of different sizes,
 * until the test kills it. Prints one line once it starts.
 */
import { writeModelFolder } from '../../electron/model-folder';

const [out] = process.argv.slice(2);

async function main(): Promise<void> {
  process.stdout.write('writing\n');
  for (let i = 0; ; i++) {
    const tag = i % 2 === 0 ? 'A' : 'B';
    const bytes = tag === 'A' ? 3 * 1024 ** 2 : 5 * 1024 ** 2;
    await writeModelFolder(out, [
      { name: 'model.weights.bin', data: new Uint8Array(bytes).fill(tag.charCodeAt(0)) },
      { name: 'model.json', data: JSON.stringify({ tag, bytes }) },
    ]);
  }
}

void main();
