import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

/** A self-signed certificate for 127.0.0.1, made for one test run. */
export interface TestCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** The certificate's file: what `NODE_EXTRA_CA_CERTS` of a child process names. */
  readonly certPath: string;
  /** Deletes the files. */
  remove(): void;
}

/**
 * Makes a P-256 self-signed certificate valid for one day for `IP:127.0.0.1` and `DNS:localhost`
 * with the `openssl` command line tool, in a fresh temporary folder. Throws with openssl's
 * message when openssl is missing or fails.
 */
export function makeSelfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'fake-voice-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=fake-voice', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', keyPath, '-out', certPath,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`fake-voice: openssl could not make a test certificate: ${stderr ?? String(error)}`);
  }
  return {
    certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Adds `certPem` to the default CA list of TLS clients in this process (verification stays on;
 * only this one certificate is trusted in addition to the usual roots) and returns the function
 * that restores the previous list. Needs Node >= 22.19 (`tls.setDefaultCACertificates`).
 */
export function trustInThisProcess(certPem: string): () => void {
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, certPem]);
  return () => tls.setDefaultCACertificates(before);
}
