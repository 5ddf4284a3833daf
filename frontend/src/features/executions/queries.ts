import { graphql } from "../../gql";

export const ExecutionsQuery = graphql(`
  query Executions($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus, $createdAfter: DateTime, $createdBefore: DateTime) {
    executions(first: $first, after: $after, dagId: $dagId, status: $status, createdAfter: $createdAfter, createdBefore: $createdBefore) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        dagId
        status
        createdAt
        startedAt
        finishedAt
        retryOfId
      }
    }
  }
`);

export const DagNamesQuery = graphql(`
  query DagNames {
    dags(first: 100) {
      nodes {
        id
        name
      }
    }
  }
`);
