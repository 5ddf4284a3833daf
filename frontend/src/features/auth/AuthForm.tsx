// The frame of the sign-in and sign-up pages.
import "./auth.css";

import type { ReactNode } from "react";

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <section className="card auth-card" aria-labelledby="auth-title">
        <div className="auth-brand">OPEN</div>
        <h1 id="auth-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}

/** Where to go after signing in: the `next` parameter when it is a path of the app, else /dags. */
export function nextPath(search: URLSearchParams): string {
  const next = search.get("next");
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/dags";
}
