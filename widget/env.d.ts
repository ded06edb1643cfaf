// Module shapes of the non-TypeScript imports Vite resolves for the widget and the console builds.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
declare module '*.css';
