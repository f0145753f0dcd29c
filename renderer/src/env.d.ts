// Vite handles CSS and worker imports; these declarations let tsc see them.
declare module '*.css';
declare module '*?worker' {
  const WorkerFactory: new () => Worker;
  export default WorkerFactory;
}
