// @ts-nocheck
export {
  EncryptionCodec,
  PayloadDecryptionError,
  ENCODING_ENCRYPTED,
  METADATA_KEY_ID,
  isEncrypted,
} from './encryption-codec';
export {
  CodecKeyError,
  KEY_BYTES,
  SANDBOX_KEY_ID,
  decodeKey,
  keyRing,
  loadKeyRing,
  parseKeySpec,
  sandboxKeyRing,
  type CodecKey,
  type KeyRing,
} from './key-ring';
export {
  FAILURE_CONVERTER_PATH,
  createDataConverter,
  codecFromConfig,
  dataConverterFromConfig,
  keyRingFromConfig,
} from './data-converter';
