// The host-name check the KOReader plugin adds to LuaSec's chain check (src/core/certificate-host.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateCoversHost, describeCertificateNames, type CertificateNames } from '../src/core/certificate-host.js';

const cert = (dnsNames: string[], ipAddresses: string[] = [], commonName: string | null = null): CertificateNames => ({ dnsNames, ipAddresses, commonName });

test('dNSName entries: exact, case-insensitive, trailing dot ignored', () => {
  const c = cert(['books.example.org', 'Library.Example.org']);
  assert.equal(certificateCoversHost(c, 'books.example.org'), true);
  assert.equal(certificateCoversHost(c, 'BOOKS.example.org.'), true);
  assert.equal(certificateCoversHost(c, 'library.example.org'), true);
  assert.equal(certificateCoversHost(c, 'example.org'), false);
  assert.equal(certificateCoversHost(c, 'evil-books.example.org'), false);
});

test('a wildcard covers exactly one left-most label, never a top-level domain', () => {
  const c = cert(['*.example.org']);
  assert.equal(certificateCoversHost(c, 'books.example.org'), true);
  assert.equal(certificateCoversHost(c, 'a.books.example.org'), false);
  assert.equal(certificateCoversHost(c, 'example.org'), false);
  assert.equal(certificateCoversHost(c, '.example.org'), false);
  assert.equal(certificateCoversHost(cert(['*.org']), 'example.org'), false);
  assert.equal(certificateCoversHost(cert(['*.*.org']), 'a.example.org'), false);
  assert.equal(certificateCoversHost(cert(['b*.example.org']), 'books.example.org'), false);
});

test('the commonName counts only when there is no dNSName', () => {
  assert.equal(certificateCoversHost(cert([], [], 'books.example.org'), 'books.example.org'), true);
  assert.equal(certificateCoversHost(cert(['other.example.org'], [], 'books.example.org'), 'books.example.org'), false);
  assert.equal(certificateCoversHost(cert([], [], null), 'books.example.org'), false);
});

test('an IP address matches iPAddress entries only', () => {
  const c = cert(['localhost', '10.0.0.5'], ['127.0.0.1', '::1'], '192.168.1.2');
  assert.equal(certificateCoversHost(c, '127.0.0.1'), true);
  assert.equal(certificateCoversHost(c, '[::1]'), true);
  assert.equal(certificateCoversHost(c, '10.0.0.5'), false, 'an IP written as a dNSName does not count');
  assert.equal(certificateCoversHost(c, '192.168.1.2'), false, 'nor as a commonName');
  assert.equal(certificateCoversHost(c, '127.0.0.2'), false);
  assert.equal(certificateCoversHost(c, 'localhost'), true);
});

test('the names are listed for the message', () => {
  assert.equal(describeCertificateNames(cert(['localhost'], ['127.0.0.1'])), 'localhost, 127.0.0.1');
  assert.equal(describeCertificateNames(cert([], [], 'books.example.org')), 'books.example.org');
  assert.equal(describeCertificateNames(cert([])), 'no name');
});
