export { tlsFront, type TlsFront } from '../../src/simulators/tls-front';
