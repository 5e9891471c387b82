// pngjs's own standalone bundle: the same library with its pure-JS zlib and Buffer built in.
declare module 'pngjs/browser.js' {
  import pngjs from 'pngjs';
  export default pngjs;
}
