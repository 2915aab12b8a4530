// Body conversions shared by the event processors: the event body (plain or base64) into request bytes, and
// the whole response body into a result body that stays text for textual media types and is base64 otherwise
// (compressed bodies included).

/** The request body as bytes, or `undefined` for GET/HEAD and events without a body. */
export function toRequestBody(
  method: string,
  body: string | null | undefined,
  isBase64Encoded: boolean,
): Uint8Array<ArrayBuffer> | undefined {
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD' || body === null || body === undefined) return undefined;
  // Bytes rather than a string, so the Request does not invent a text/plain content-type.
  return Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * True for media types sent as text: `text/*` (including `text/event-stream`), JSON and `+json`, XML and
 * `+xml`, and JavaScript.
 */
export function isTextContentType(contentType: string | null | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType.endsWith('+json') ||
    mediaType === 'application/xml' ||
    mediaType.endsWith('+xml') ||
    mediaType.includes('javascript')
  );
}

/**
 * Reads a response body to its end. When `stop` aborts first, the body is cancelled (the producer sees its
 * stream cancelled) and the bytes read so far are returned.
 */
export async function readBody(response: Response, stop?: AbortSignal): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  const cancel = () => {
    reader.cancel(stop?.reason).catch(() => {});
  };
  if (stop?.aborted) cancel();
  else stop?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } finally {
    stop?.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
  return concat(chunks);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * A result body: UTF-8 text when the content type is textual (or the body empty), base64 otherwise. A body
 * with a `Content-Encoding` other than `identity` (a compressed one) is bytes whatever its type: base64.
 */
export function encodeBody(
  bytes: Uint8Array,
  contentType: string | null,
  contentEncoding: string | null = null,
): { body: string; isBase64Encoded: boolean } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const coding = contentEncoding?.trim().toLowerCase();
  const encoded = !!coding && coding !== 'identity';
  if (buffer.byteLength === 0 || (!encoded && isTextContentType(contentType))) {
    return { body: buffer.toString('utf8'), isBase64Encoded: false };
  }
  return { body: buffer.toString('base64'), isBase64Encoded: true };
}

/** The result body of `response`: read (until `stop` aborts), then encoded as its content headers ask. */
export async function readResultBody(
  response: Response,
  stop?: AbortSignal,
): Promise<{ body: string; isBase64Encoded: boolean }> {
  return encodeBody(
    await readBody(response, stop),
    response.headers.get('content-type'),
    response.headers.get('content-encoding'),
  );
}
