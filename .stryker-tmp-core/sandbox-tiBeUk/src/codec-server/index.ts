// @ts-nocheck
export { createCodecServer, type CodecServer, type CodecServerOptions } from './server';
export { codecServerFromConfig } from './from-config';
