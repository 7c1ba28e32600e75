/** A whole HTTP/1 response as a scripted server writes it: status line, headers (Content-Length by default), body. */
export function httpResponse(body: string, headers: Record<string, string> = {}, status = '200 OK', version = '1.1'): string {
  const all = { 'Content-Length': String(Buffer.byteLength(body)), ...headers };
  return `HTTP/${version} ${status}\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${body}`;
}
