// One button per configured external sign-in provider (none: nothing is drawn).
import { useQuery } from "urql";

import { AuthProvidersQuery } from "./queries";

export function OAuthButtons() {
  const [{ data }] = useQuery({ query: AuthProvidersQuery });
  const providers = data?.authProviders ?? [];
  if (providers.length === 0) return null;
  return (
    <div className="auth-oauth">
      <div className="auth-divider">
        <span>or</span>
      </div>
      {providers.map((provider) => (
        // A full-page navigation: the provider's pages cannot be fetched.
        <a key={provider.name} className="btn btn-block" href={provider.loginUrl}>
          Continue with {provider.label}
        </a>
      ))}
    </div>
  );
}
