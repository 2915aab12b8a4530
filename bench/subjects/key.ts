// The fixed MRTR `requestState` key both subjects sign with, so neither pays for key generation or warns
// about a missing `MCP_REQUEST_STATE_KEY`: 32 bytes, 0x00..0x1f.

/** 32 fixed bytes; a benchmark key, never a secret. */
export const BENCH_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
