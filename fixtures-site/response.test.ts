import { describe, expect, it } from 'vitest';
import { chunk } from './response.ts';

describe('chunk', () => {
  it('frames a body as one chunk and the last chunk', () => {
    expect(chunk(Buffer.from('hello')).toString()).toBe('5\r\nhello\r\n0\r\n\r\n');
    expect(chunk(Buffer.from('hello'), false).toString()).toBe('5\r\nhello\r\n');
    expect(chunk(Buffer.alloc(0)).toString()).toBe('0\r\n\r\n');
  });
});
