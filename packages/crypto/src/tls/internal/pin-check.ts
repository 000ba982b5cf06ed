import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { pinMismatchError } from '../pin-mismatch-error.js';
import { pinOf } from './x509.js';

/** Longest chain walked; real chains have 2 to 4 certificates. */
const maxDepth = 10;

function hasIssuer(cert: PeerCertificate): cert is DetailedPeerCertificate {
  return 'issuerCertificate' in cert && typeof cert.issuerCertificate === 'object';
}

/**
 * The presented chain as Node completed it (leaf, intermediates, then the trust anchor when it is
 * in the CA store), cut at the first link whose signature does not verify. So a pin on an
 * intermediate or root counts only if that key really signed, directly or through the chain, the
 * leaf certificate the handshake was made with.
 */
function signedChain(leaf: PeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let node: PeerCertificate = leaf;
  for (let depth = 0; depth < maxDepth; depth++) {
    const cert = new X509Certificate(node.raw);
    const child = chain[chain.length - 1];
    if (child !== undefined && !(child.checkIssued(cert) && child.verify(cert.publicKey))) break;
    chain.push(cert);
    if (!hasIssuer(node)) break;
    const next: PeerCertificate = node.issuerCertificate;
    if (next === node || next.fingerprint256 === node.fingerprint256) break; // self-signed root
    node = next;
  }
  return chain;
}

/**
 * A `checkServerIdentity` that runs Node's host name check first, then requires one of `pins` to
 * match the public key of a certificate in the signed chain. Fails closed: a chain that cannot be
 * read is a mismatch.
 */
export function pinningIdentityCheck(
  pins: readonly string[],
): (host: string, cert: PeerCertificate) => Error | undefined {
  const expected = new Set(pins);
  return (host, cert) => {
    const hostError = checkServerIdentity(host, cert);
    if (hostError !== undefined) return hostError;
    let received: string[];
    try {
      received = signedChain(cert).map(pinOf);
    } catch {
      return pinMismatchError(host, expected.size, []);
    }
    return received.some((pin) => expected.has(pin))
      ? undefined
      : pinMismatchError(host, expected.size, received);
  };
}
