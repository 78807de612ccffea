/** The tests' controllable TCP proxy is the fault drill's own (one implementation, ops may not import tests). */
export { TcpProxy } from '../../ops/drill/tcp-proxy';
