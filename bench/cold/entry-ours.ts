// Cold-start entry for subject (a), bundled with esbuild into one ESM file and run as `node ours.mjs <kind>`.
// Its first statement runs after every bundled module has been evaluated, i.e. once the "import" is done.
import { createOurs } from '../subjects/ours.js';
import { runChild } from './child.js';

await runChild(performance.now(), createOurs);
