/** One payload encryption key and its id (the id travels with each payload it sealed). */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/**
 * The newest key encrypts; every key decrypts, so histories written before a rotation stay readable. Loaded by
 * ./key-ring.ts, used by ./encryption-codec.ts.
 */
export interface KeyRing {
  current: CodecKey;
  byId: ReadonlyMap<string, Buffer>;
}
