// Module shapes of the non-TypeScript imports Vite resolves for the widget and the console builds.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
declare module '*.css';
/** The full widget's content hash, set by vite.config.ts in the loader build. */
declare const __TANDEM_APP_VERSION__: string;
