import { createHash } from 'node:crypto';

/** RFC 9562 UUID version 5 (SHA-1, name-based): the same portal inquiry id always maps to one UUID. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6); // version 5
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8); // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Namespace of the UUIDs that stand for other portals' inquiry ids (listing_inquiries keys by uuid). */
const INQUIRY_NAMESPACE = '6f1d4a52-8c3b-5e7a-9d20-4b8c1e6f3a97';

/**
 * Our uuid for a portal's inquiry id: the same portal inquiry is stored once whatever carried it
 * (a webhook, an import report read twice), and never collides with our own portal's (v4) ids.
 */
export function portalInquiryUuid(portal: string, inquiryId: string): string {
  return uuidV5(`${portal}:${inquiryId}`, INQUIRY_NAMESPACE);
}
