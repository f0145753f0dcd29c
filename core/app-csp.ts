// The desktop app's Content-Security-Policy, in one place: the Vite build writes it into
// index.html as a meta tag, and the Electron shell sends it as a header with every app:// file.
// Scripts, styles, fonts and workers come only from the app itself; nothing may be fetched,
// framed or posted anywhere. No 'unsafe-eval' and no 'unsafe-inline' scripts. Monaco's editors
// (explain views) need 'unsafe-inline' styles only because Monaco adds <style> elements at run
// time for themes and decorations; its workers are bundled files ('self'), so no eval or blob:.
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The same policy for a <meta> tag, where browsers ignore (and warn about) frame-ancestors. */
export const APP_CSP_META = APP_CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
