import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { FetchInit } from '../sdk';

/** A refused capability: the message is what the plugin (and its log) sees. */
export class CapabilityError extends Error {
  override name = 'CapabilityError';
}

export const FETCH_LIMITS = { maxRequestBytes: 1_000_000, maxResponseBytes: 2_000_000, timeoutMs: 8_000, redirects: 5 };

export interface SerializedResponse {
  status: number;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The normalised origin of a URL string, or null when it is not an absolute http(s) URL. */
export function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Check a URL against the allowlist; returns the parsed URL or throws CapabilityError. */
export function checkUrl(value: string, allowed: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CapabilityError(`fetch refused: "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CapabilityError(`fetch refused: scheme ${url.protocol} is not allowed (only http and https)`);
  }
  if (url.username || url.password) throw new CapabilityError('fetch refused: credentials in the URL are not allowed');
  if (!allowed.includes(url.origin)) {
    throw new CapabilityError(
      `fetch refused: origin ${url.origin} is not declared in the plugin's capabilities (allowed: ${allowed.join(', ') || 'none'})`,
    );
  }
  return url;
}

/** Addresses a plugin never reaches through a host name: loopback, unspecified, link-local (cloud metadata). */
export function forbiddenAddress(address: string): string | null {
  const v4 = address.replace(/^::ffff:/i, '');
  if (isIP(v4) === 4) {
    const [a, b] = v4.split('.').map(Number);
    if (a === 127) return 'a loopback address';
    if (a === 0) return 'an unspecified address';
    if (a === 169 && b === 254) return 'a link-local address';
    return null;
  }
  const v6 = address.toLowerCase();
  if (v6 === '::1') return 'a loopback address';
  if (v6 === '::') return 'an unspecified address';
  if (/^fe[89ab]/.test(v6)) return 'a link-local address';
  return null;
}

/**
 * DNS lookup for plugin requests: a declared host name must not resolve to an address the admin did
 * not mean (e.g. crm.example.com → 127.0.0.1 or 169.254.169.254). The check is on the addresses the
 * socket actually connects to, so a second, different DNS answer cannot slip past it. Origins given
 * as IP literals are used as declared (Node does not look them up).
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as LookupAddress[];
    for (const { address } of list) {
      const why = forbiddenAddress(address);
      if (why) {
        return callback(
          new CapabilityError(`fetch refused: ${hostname} resolves to ${address}, ${why} outside the declared origins`),
          '',
          0,
        );
      }
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
    callback(null, first.address, first.family);
  });
};

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function requestOnce(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        lookup: guardedLookup,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > FETCH_LIMITS.maxResponseBytes) {
            request.destroy(
              new CapabilityError(`fetch refused: response body larger than ${FETCH_LIMITS.maxResponseBytes} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(response.headers))
            if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: response.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}

/**
 * The host side of ctx.fetch: only declared origins, http(s) only, redirects followed only while
 * they stay inside the declared origins, size caps and a timeout.
 */
export async function hostFetch(allowed: readonly string[], value: string, init: FetchInit = {}): Promise<SerializedResponse> {
  let url = checkUrl(value, allowed);
  const body = init.body;
  if (body !== undefined && typeof body !== 'string') throw new CapabilityError('fetch refused: body must be a string');
  if (body && Buffer.byteLength(body) > FETCH_LIMITS.maxRequestBytes) {
    throw new CapabilityError(`fetch refused: request body larger than ${FETCH_LIMITS.maxRequestBytes} bytes`);
  }
  const timeoutMs = Math.min(Math.max(Number(init.timeoutMs) || FETCH_LIMITS.timeoutMs, 1), FETCH_LIMITS.timeoutMs);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let method = (init.method ?? 'GET').toUpperCase();
  let sendBody = body;
  for (let hop = 0; ; hop++) {
    let response: RawResponse;
    try {
      response = await requestOnce(url, method, headers, sendBody, timeoutMs);
    } catch (error) {
      if (error instanceof CapabilityError) throw error;
      throw new Error(`fetch ${url.origin}${url.pathname} failed: ${(error as Error).message}`);
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= FETCH_LIMITS.redirects) throw new CapabilityError('fetch refused: too many redirects');
      const next = new URL(location, url).toString();
      try {
        url = checkUrl(next, allowed);
      } catch (error) {
        throw new CapabilityError(`fetch refused: redirect to ${next}: ${(error as Error).message}`);
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        sendBody = undefined;
      }
      continue;
    }
    return { status: response.status, url: url.toString(), headers: response.headers, body: response.body };
  }
}
