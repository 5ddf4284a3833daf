// The GraphQL operations of the live monitor.
import { graphql } from "../../gql";

/** How many events are stored: read BEFORE the node rows, so no event can be missed. */
export const ExecutionHeadQuery = graphql(`
  query MonitorExecutionHead($id: ID!) {
    execution(id: $id) {
      id
      events(first: 0) {
        totalCount
      }
    }
  }
`);

/** The stored state of an execution: its row, node rows, attempts and log lines. */
export const ExecutionStateQuery = graphql(`
  query MonitorExecutionState($id: ID!) {
    execution(id: $id) {
      id
      dagId
      dagVersionId
      status
      params
      createdAt
      startedAt
      finishedAt
      retryOfId
      nodes {
        nodeId
        mapIndex
        status
        attempts
        startedAt
        finishedAt
        durationS
        result
        resultRef
        error
      }
      timeline {
        nodeId
        mapIndex
        attempts {
          attempt
          startedAt
          finishedAt
          outcome
        }
      }
      logs(first: 5000) {
        sequence
        ts
        nodeId
        mapIndex
        attempt
        line
      }
    }
  }
`);

/** The DAG of an execution and a page of its versions (to find the execution's definition). */
export const DagVersionsQuery = graphql(`
  query MonitorDagVersions($dagId: ID!, $after: String) {
    dag(id: $dagId) {
      id
      name
      versions(first: 50, after: $after) {
        nodes {
          id
          version
          definition
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** Every event after `afterSequence`: the stored ones, then live ones. */
export const ExecutionEventsSubscription = graphql(`
  subscription MonitorExecutionEvents($executionId: ID!, $afterSequence: Int) {
    executionEvents(executionId: $executionId, afterSequence: $afterSequence) {
      sequence
      kind
      payload
    }
  }
`);

export const CancelExecutionMutation = graphql(`
  mutation MonitorCancelExecution($id: ID!) {
    cancelExecution(id: $id) {
      id
      status
    }
  }
`);

export const RetryExecutionMutation = graphql(`
  mutation MonitorRetryExecution($id: ID!) {
    retryExecution(id: $id) {
      id
    }
  }
`);
