import { graphql } from "../../gql";

export const DagsQuery = graphql(`
  query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {
    dags(first: $first, after: $after, search: $search, status: $status) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        description
        status
        updatedAt
        latestVersion {
          version
        }
        activeVersion {
          version
        }
        lastExecution {
          id
          status
          createdAt
        }
      }
    }
  }
`);

export const DagQuery = graphql(`
  query Dag($id: ID!) {
    dag(id: $id) {
      id
      name
      description
      status
      createdAt
      updatedAt
      activeVersion {
        version
      }
      latestVersion {
        version
      }
      versions(first: 100) {
        totalCount
        nodes {
          id
          version
          message
          createdAt
          nodeCount
          contentHash
          createdBy {
            name
            email
          }
        }
      }
    }
  }
`);

export const DagVersionQuery = graphql(`
  query DagVersionDefinition($dagId: ID!, $version: Int!) {
    dagVersion(dagId: $dagId, version: $version) {
      id
      version
      definition
    }
  }
`);

export const DagVersionDiffQuery = graphql(`
  query DagVersionDiff($dagId: ID!, $from: Int!, $to: Int!) {
    dagVersionDiff(dagId: $dagId, from: $from, to: $to) {
      from
      to
      nodesAdded
      nodesRemoved
      nodesChanged {
        nodeId
        fields
      }
      edgesAdded {
        upstream
        downstream
      }
      edgesRemoved {
        upstream
        downstream
      }
      fieldsChanged
    }
  }
`);

export const ActivateDagMutation = graphql(`
  mutation ActivateDag($input: ActivateDagInput!) {
    activateDag(input: $input) {
      id
      status
      activeVersion {
        version
      }
    }
  }
`);
