import * as v from 'valibot';
import { RecordIdSchema } from './ids.ts';

/**
 * How a staff-made record says who made it, and how that was checked (decision 0014).
 *
 * A tablet is a public object: whoever holds one can read what it stores and make it say
 * anything. So a member of staff's PIN is checked by the server whenever the server can be
 * reached; the answer is a staff session, bound to that tablet, whose key lives only in the
 * page's memory. Every record made in the session is signed with that key (HMAC-SHA256 over
 * its canonical JSON), and the server, which keeps the key, checks the signature when the
 * record arrives, however late: the record is then `server`-attested. Offline, the tablet
 * checks the PIN against its own copy of the hash and the record is `tablet`-attested: the
 * tablet's word, kept and shown as such.
 */
export const ATTESTATIONS = ['server', 'tablet'] as const;
export type AttestationKind = (typeof ATTESTATIONS)[number];

/** A signature: 32 bytes of HMAC-SHA256 in base64url, no padding. */
const ProofSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url HMAC-SHA256'));

export const AttestationSchema = v.variant('by', [
  v.strictObject({ by: v.literal('server'), sessionId: RecordIdSchema, proof: ProofSchema }),
  v.strictObject({ by: v.literal('tablet') }),
]);
export type Attestation = v.InferOutput<typeof AttestationSchema>;

/** What the server made of a record's attestation once it checked it: what is stored and shown. */
export type Attested = { kind: 'server'; sessionId: string } | { kind: 'tablet' };
export const TABLET_ATTESTED: Attested = { kind: 'tablet' };

/** What a record made before attestation existed, or made offline, carries. */
export const TABLET_ATTESTATION: Attestation = { by: 'tablet' };

/** The attestation a record claims; records from before it existed are the tablet's word. */
export const claimedAttestation = (record: { attestation?: Attestation }): Attestation => record.attestation ?? TABLET_ATTESTATION;
