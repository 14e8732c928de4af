/** One part of a multipart/form-data body. */
export interface FormPart {
  /** The form field name (`payload_json`, `files[0]`, ...). */
  readonly name: string;
  /** The file name, present for file parts only. */
  readonly filename?: string;
  /** The part's Content-Type header, if it had one. */
  readonly contentType?: string;
  /** The raw bytes of the part's body. */
  readonly data: Buffer;
}

/** Raised for a body that is not well-formed multipart/form-data. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** The boundary named by a `multipart/form-data; boundary=...` Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Parses `name="..."; filename="..."` from a Content-Disposition value. */
function parseDisposition(value: string): { name: string; filename?: string } {
  if (!/^form-data\s*;/i.test(value)) throw new MultipartError(`part is not form-data: ${value}`);
  const params = new Map<string, string>();
  const paramRe = /;\s*([\w*-]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const m of value.matchAll(paramRe)) {
    const key = m[1]!.toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    params.set(key, raw);
  }
  const name = params.get('name');
  if (name === undefined) throw new MultipartError('part has no name');
  const star = params.get('filename*');
  const filename = star !== undefined ? decodeURIComponent(star.replace(/^utf-8''/i, '')) : params.get('filename');
  return filename === undefined ? { name } : { name, filename };
}

/** Splits one part (headers, blank line, body) into a FormPart. */
function parsePart(raw: Buffer): FormPart {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new MultipartError('part has no header terminator');
  const headers = new Map<string, string>();
  for (const line of raw.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`malformed part header: ${line}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (!disposition) throw new MultipartError('part has no Content-Disposition');
  const { name, filename } = parseDisposition(disposition);
  const contentType = headers.get('content-type');
  return {
    name,
    ...(filename !== undefined && { filename }),
    ...(contentType !== undefined && { contentType }),
    data: Buffer.from(raw.subarray(headerEnd + 4)),
  };
}

/**
 * Parses a complete multipart/form-data body (RFC 7578). Binary-safe: part bodies are sliced
 * from the buffer, never decoded. Throws MultipartError when the body is malformed or truncated.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('boundary not found');
  const parts: FormPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new MultipartError('boundary not followed by CRLF');
    const start = pos + 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next < 0) throw new MultipartError('closing boundary missing (truncated body)');
    parts.push(parsePart(body.subarray(start, next)));
    pos = next + 2;
  }
}
