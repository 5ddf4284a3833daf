import { graphql } from "../../gql";

export const AuthProvidersQuery = graphql(`
  query AuthProviders {
    authProviders {
      name
      label
      loginUrl
    }
  }
`);
