import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.ts';

describe('did-you-mean', () => {
  it('ignores case and counts a swap of neighbours as one edit', () => {
    expect(editDistance('imagebytes', 'imageBytes')).toBe(0);
    expect(editDistance('dls', 'dsl')).toBe(1);
    // kitten → sitting: k→s, e→i, +g.
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only a close word', () => {
    expect(closest('lod', ['load', 'site'])).toBe('load');
    expect(closest('maxperhost', ['maxPerHost', 'maxPerHost10'])).toBe('maxPerHost');
    // "colour" is 5+ edits from every key: no suggestion beats a wrong one.
    // Equally near by edits: the longer shared prefix wins.
    expect(closest('apache-2.3', ['apache-1.3', 'apache-2.2'])).toBe('apache-2.2');
    expect(closest('colour', ['name', 'site', 'steps'])).toBeUndefined();
  });
});

describe('keys written without their unit', () => {
  it('suggests the key with its unit suffix', () => {
    expect(closest('idle', ['load', 'site', 'idleMs'])).toBe('idleMs');
    expect(closest('bandwidth', ['rttMs', 'bandwidthKbps', 'upBandwidthKbps'])).toBe('bandwidthKbps');
    // A real one-letter slip still wins over a missing unit: `image` is `images`.
    expect(closest('image', ['imageBytes', 'images'])).toBe('images');
  });
});
