import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../web/src/redirects.js';

// Same-origin redirects only. The web app's one redirect target from outside is the `next`
// parameter of the sign-in pages (staff and portal); the server sends no redirects at all.

const root = path.resolve(import.meta.dirname, '../..');

describe('the sign-in pages follow `next` only to a path on this site', () => {
  it.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    'https://evil.example',
    'http://evil.example/',
    'HTTPS://evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/\t/evil.example',
    '/\n/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    'evil.example',
    '',
    '/api/v1/auth/logout',
    '/api',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (next) => {
    expect(safeNext(next, '/home')).toBe('/home');
  });

  it.each([
    ['/', '/'],
    ['/cases/CS0001001', '/cases/CS0001001'],
    ['/cases?view=mine&status=new', '/cases?view=mine&status=new'],
    ['/portal/cases/CS0001001#reply', '/portal/cases/CS0001001#reply'],
    ['/knowledge/KB0001001/edit', '/knowledge/KB0001001/edit'],
    ['/apiary', '/apiary'],
  ])('keeps %j', (next, expected) => {
    expect(safeNext(next, '/home')).toBe(expected);
  });

  it('null and undefined fall back', () => {
    expect(safeNext(null, '/portal')).toBe('/portal');
    expect(safeNext(undefined, '/portal')).toBe('/portal');
  });
});

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : filesUnder(p, ext);
    return ext.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('every redirect in the code is known', () => {
  it('the server never answers with a redirect (no reply.redirect, no Location header)', () => {
    const hits = filesUnder(path.join(root, 'src'), /\.ts$/).filter((f) => /\.redirect\(|['"]location['"]\s*,/i.test(fs.readFileSync(f, 'utf8')));
    expect(hits).toEqual([]);
  });

  it('the web app navigates to a parameter only through safeNext; other navigations go to paths it builds itself', () => {
    const files = filesUnder(path.join(root, 'web/src'), /\.tsx?$/);
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      // Assigning window.location or opening a URL with a value from the address bar.
      if (/(window\.)?location\.(href|assign|replace)\s*(=|\()/.test(text)) offenders.push(`${path.relative(root, f)}: location assignment`);
      for (const m of text.matchAll(/(?:searchParams|params)\.get\('(next|returnTo|redirect|url)'\)/g)) {
        if (!/safeNext|destination\(/.test(text)) offenders.push(`${path.relative(root, f)}: ${m[0]} without safeNext`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
