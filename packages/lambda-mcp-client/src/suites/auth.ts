// The auth suite (`--suite auth`, part of `all` when the run has a token): what a server that verifies OAuth
// bearer tokens must do — publish its protected resource metadata, challenge requests without a valid token,
// refuse forged tokens, and bind 2025 sessions to the principal that opened them. Without a token or
// credentials every check is skipped as not run: a skip never counts as a pass.
import type { TestCase } from '../runner/types.js';
import { metadataTests } from './auth/metadata.js';
import { tokenTests } from './auth/tokens.js';

/** The auth suite's tests, in the order they run. */
export const authTests: TestCase[] = [...metadataTests, ...tokenTests];
