// Vite's own imports the app uses: a stylesheet imported for its side effect.
declare module '*.css';
