// Cold-start entry for subject (b), bundled with esbuild into one ESM file and run as `node sdk.mjs <kind>`.
// Its first statement runs after every bundled module has been evaluated, i.e. once the "import" is done.
import { createSdk } from '../subjects/sdk.js';
import { runChild } from './child.js';

await runChild(performance.now(), createSdk);
