import { describe, expect, it } from 'vitest';
import { resolveOrigins } from '../manifest';
import { CapabilityError, checkUrl, forbiddenAddress } from './host-fetch';

describe('fetch capability checks', () => {
  const allowed = ['https://crm.example.com', 'http://127.0.0.1:8080'];

  it('allows exactly the declared origins, normalised', () => {
    expect(checkUrl('https://CRM.example.com:443/a?b', allowed).origin).toBe('https://crm.example.com');
    expect(checkUrl('http://127.0.0.1:8080/x', allowed).pathname).toBe('/x');
    // Another spelling of the same address is the same origin.
    expect(checkUrl('http://127.1:8080/', allowed).origin).toBe('http://127.0.0.1:8080');
  });

  it.each([
    ['https://crm.example.com.evil.com/', /not declared/],
    ['https://evil.com/@crm.example.com', /not declared/],
    ['https://crm.example.com@evil.com/', /credentials/],
    ['https://user:pw@crm.example.com/', /credentials/],
    ['http://crm.example.com/', /not declared/],
    ['https://crm.example.com:8443/', /not declared/],
    ['http://127.0.0.2:8080/', /not declared/],
    ['ftp://crm.example.com/', /scheme ftp:/],
    ['data:text/plain,hi', /scheme data:/],
    ['/relative', /not an absolute URL/],
  ])('refuses %s', (url, message) => {
    expect(() => checkUrl(url, allowed)).toThrow(CapabilityError);
    expect(() => checkUrl(url, allowed)).toThrow(message);
  });

  it('knows the addresses a host name must not resolve to', () => {
    expect(forbiddenAddress('127.0.0.1')).toMatch(/loopback/);
    expect(forbiddenAddress('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(forbiddenAddress('169.254.169.254')).toMatch(/link-local/);
    expect(forbiddenAddress('::1')).toMatch(/loopback/);
    expect(forbiddenAddress('0.0.0.0')).toMatch(/unspecified/);
    expect(forbiddenAddress('10.1.2.3')).toBeNull();
    expect(forbiddenAddress('203.0.113.5')).toBeNull();
  });

  it('resolves config:<field> capabilities from the config', () => {
    const caps = { fetch: ['config:baseUrl', 'https://static.example.com'] };
    expect(resolveOrigins(caps, { baseUrl: 'http://127.0.0.1:9000/api/v1' })).toEqual([
      'http://127.0.0.1:9000',
      'https://static.example.com',
    ]);
    expect(resolveOrigins(caps, { baseUrl: 'javascript:alert(1)' })).toEqual(['https://static.example.com']);
    expect(resolveOrigins(caps, {})).toEqual(['https://static.example.com']);
  });
});
