import { graphql } from "../gql";

// The signed-in user and their organizations: what the shell shows and switches between.
export const MeQuery = graphql(`
  query Me {
    me {
      user {
        id
        email
        name
      }
      memberships {
        id
        role
        organization {
          id
          name
          slug
        }
      }
      activeOrganizationId
    }
  }
`);
