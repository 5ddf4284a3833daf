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
  build: { outDir: "dist", sourcemap: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
