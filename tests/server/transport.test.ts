import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isPlainHttpBeyondLoopback, parseRequireTls } from '../../src/server/transport.ts';

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.20', false],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['branch-server.local', false],
    ['128.0.0.1', false],
  ])('given HOST=%s, then loopback is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('isPlainHttpBeyondLoopback', () => {
  it.each([
    [{ host: '0.0.0.0', tls: false, trustProxy: false }, true],
    [{ host: '192.168.1.20', tls: false, trustProxy: false }, true],
    [{ host: '0.0.0.0', tls: true, trustProxy: false }, false],
    [{ host: '0.0.0.0', tls: false, trustProxy: true }, false],
    [{ host: '0.0.0.0', tls: false, trustProxy: '10.0.0.5' }, false],
    [{ host: '127.0.0.1', tls: false, trustProxy: false }, false],
  ])('given %j, then %s', (transport, plain) => {
    expect(isPlainHttpBeyondLoopback(transport)).toBe(plain);
  });
});

describe('parseRequireTls', () => {
  it.each([
    [undefined, { ok: true, value: false }],
    ['', { ok: true, value: false }],
    ['false', { ok: true, value: false }],
    ['true', { ok: true, value: true }],
    [' TRUE ', { ok: true, value: true }],
    ['yes', { ok: false, reason: 'invalid-setting', message: 'REQUIRE_TLS must be true or false, not "yes".' }],
  ])('given REQUIRE_TLS=%j, then %j', (value, result) => {
    expect(parseRequireTls(value)).toEqual(result);
  });
});
