// The authentication operations the client itself sends (outside urql: the refresh must not go
// through the exchange it repairs).
import { graphql } from "../gql";

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken {
    refreshToken {
      accessToken
      accessTokenExpiresAt
      user {
        id
        email
        name
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      accessToken
      accessTokenExpiresAt
      user {
        id
        email
        name
      }
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      accessTokenExpiresAt
      user {
        id
        email
        name
      }
    }
  }
`);
