// Builds the web console (React + Vite) into console/dist, which every node serves
// (src/api/console.ts). The app imports the SDK's browser-safe sources from ../src directly.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One app of a few hundred KiB: no need to split it into many requests.
    chunkSizeWarningLimit: 1024,
  },
});
