/// <reference types="vitest/config" />
// Vite: the SPA's dev server (proxying the API to the backend) and build; Vitest's config.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The backend the dev server forwards /graphql (HTTP and websockets) and /auth to.
const backend = process.env.OPEN_BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": { target: backend, ws: true, changeOrigin: true },
      "/auth": { target: backend, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, so a release that changes only the app's code keeps
        // them cached. React Flow is fetched with the first screen drawing a graph, and elkjs
        // (its own chunk through the dynamic import in graph/layout.ts) with the first layout.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            { name: "graphql", test: /node_modules[\\/](urql|@urql|wonka|graphql|graphql-ws|@0no-co)[\\/]/ },
            { name: "react-flow", test: /node_modules[\\/](@xyflow|d3-[^\\/]+|zustand|classcat)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
