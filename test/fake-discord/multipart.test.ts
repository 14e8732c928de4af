import { describe, expect, it } from 'vitest';
import { multipartBoundary, MultipartError, parseMultipart } from './multipart.js';

describe('multipart/form-data parser', () => {
  it('round-trips what undici FormData sends, binary parts byte for byte', async () => {
    const bytes = Buffer.from([0, 13, 10, 45, 45, 255, 0x89, 0x50, 13, 10]);
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'héllo' }));
    form.append('files[0]', new Blob([bytes], { type: 'image/png' }), 'chärt 1.png');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const boundary = multipartBoundary(request.headers.get('content-type') ?? undefined);
    expect(boundary).toBeDefined();
    const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary!);
    expect(parts.map((p) => p.name)).toEqual(['payload_json', 'files[0]']);
    expect(JSON.parse(parts[0]!.data.toString('utf8'))).toEqual({ content: 'héllo' });
    expect(parts[1]!.filename).toBe('chärt 1.png');
    expect(parts[1]!.contentType).toBe('image/png');
    expect(parts[1]!.data.equals(bytes)).toBe(true);
  });

  it('rejects a truncated body and a missing boundary', () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue');
    expect(() => parseMultipart(body, 'b')).toThrow(MultipartError);
    expect(() => parseMultipart(Buffer.from('nothing'), 'b')).toThrow(MultipartError);
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data; boundary="q b"')).toBe('q b');
  });
});
