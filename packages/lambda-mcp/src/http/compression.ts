// Response compression for buffered JSON answers: negotiates `br` or `gzip` from the request's
// `Accept-Encoding` (q-values honoured) and compresses `application/json` bodies with node:zlib. SSE streams,
// bodies already encoded and small bodies go out as they are.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** A content coding lambda-mcp can produce. */
export type ContentCoding = 'br' | 'gzip';

/** Options of {@link compressResponse}. */
export interface CompressionOptions {
  /** Smallest body compressed, in bytes; smaller ones are sent as they are. Default 1024. */
  thresholdBytes?: number;
  /** Brotli quality, 0–11: low values are fast, which matters more than ratio per request. Default 4. */
  brotliQuality?: number;
}

const DEFAULT_THRESHOLD_BYTES = 1024;
const DEFAULT_BROTLI_QUALITY = 4;
/** Server preference when the client weighs codings equally. */
const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip'];

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Picks the coding to answer with from an `Accept-Encoding` value: the highest-weighted of `br` and `gzip`
 * (a `*` entry weighs every coding not named), `br` on a tie; `q=0` excludes a coding. `undefined` when
 * neither is acceptable: header missing or empty, `identity` only, or everything excluded.
 *
 * @example
 * negotiateEncoding('gzip, br;q=0.5'); // 'gzip'
 */
export function negotiateEncoding(acceptEncoding: string | null | undefined): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const entry of acceptEncoding.split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key?.toLowerCase() !== 'q') continue;
      const parsed = Number(value);
      // A malformed weight excludes the coding rather than guessing what the client meant.
      q = value && Number.isFinite(parsed) ? parsed : 0;
    }
    weights.set(name.toLowerCase(), q);
  }
  const wildcard = weights.get('*') ?? 0;
  let best: ContentCoding | undefined;
  let bestQ = 0;
  for (const coding of PREFERENCE) {
    const q = weights.get(coding) ?? wildcard;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/**
 * Compresses a JSON response for a client that accepts `br` or `gzip` (see {@link negotiateEncoding}): sets
 * `Content-Encoding`, appends `Vary: Accept-Encoding`, drops `Content-Length`, and keeps the status and every
 * other header. Only `application/json` bodies are compressed; `text/event-stream` never is (its events must
 * reach the client as they are written), nor is a body that already has a `Content-Encoding`, an empty body,
 * or one under `thresholdBytes`. Returns the response itself when compression does not apply before its body
 * is read, and an equivalent uncompressed response when the body turns out to be under the threshold.
 *
 * @example
 * const compressed = await compressResponse(response, request.headers.get('accept-encoding'));
 */
export async function compressResponse(
  response: Response,
  acceptEncoding: string | null | undefined,
  options: CompressionOptions = {},
): Promise<Response> {
  if (!response.body || !isJson(response.headers.get('content-type'))) return response;
  if (response.headers.has('content-encoding')) return response;
  const coding = negotiateEncoding(acceptEncoding);
  if (!coding) return response;
  const threshold = options.thresholdBytes ?? DEFAULT_THRESHOLD_BYTES;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared < threshold) return response;

  const init = { status: response.status, statusText: response.statusText };
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength === 0 || bytes.byteLength < threshold) {
    return new Response(bytes.byteLength === 0 ? null : bytes, { ...init, headers: response.headers });
  }
  const compressed =
    coding === 'br'
      ? await brotliAsync(bytes, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: options.brotliQuality ?? DEFAULT_BROTLI_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
          },
        })
      : await gzipAsync(bytes);
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('content-encoding', coding);
  const vary = headers.get('vary') ?? '';
  if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) headers.append('vary', 'Accept-Encoding');
  return new Response(new Uint8Array(compressed), { ...init, headers });
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
