/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RefreshToken {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  query Me {\n    me {\n      user {\n        id\n        email\n        name\n      }\n      memberships {\n        id\n        role\n        organization {\n          id\n          name\n          slug\n        }\n      }\n      activeOrganizationId\n    }\n  }\n": typeof types.MeDocument,
    "\n  query AuthProviders {\n    authProviders {\n      name\n      label\n      loginUrl\n    }\n  }\n": typeof types.AuthProvidersDocument,
    "\n  query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {\n    dags(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        status\n        updatedAt\n        latestVersion {\n          version\n        }\n        activeVersion {\n          version\n        }\n        lastExecution {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.DagsDocument,
    "\n  query Dag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      status\n      createdAt\n      updatedAt\n      activeVersion {\n        version\n      }\n      latestVersion {\n        version\n      }\n      versions(first: 100) {\n        totalCount\n        nodes {\n          id\n          version\n          message\n          createdAt\n          nodeCount\n          contentHash\n          createdBy {\n            name\n            email\n          }\n        }\n      }\n    }\n  }\n": typeof types.DagDocument,
    "\n  query DagVersionDefinition($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n": typeof types.DagVersionDefinitionDocument,
    "\n  query DagVersionDiff($dagId: ID!, $from: Int!, $to: Int!) {\n    dagVersionDiff(dagId: $dagId, from: $from, to: $to) {\n      from\n      to\n      nodesAdded\n      nodesRemoved\n      nodesChanged {\n        nodeId\n        fields\n      }\n      edgesAdded {\n        upstream\n        downstream\n      }\n      edgesRemoved {\n        upstream\n        downstream\n      }\n      fieldsChanged\n    }\n  }\n": typeof types.DagVersionDiffDocument,
    "\n  mutation ActivateDag($input: ActivateDagInput!) {\n    activateDag(input: $input) {\n      id\n      status\n      activeVersion {\n        version\n      }\n    }\n  }\n": typeof types.ActivateDagDocument,
    "\n  query EditorDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n": typeof types.EditorDagDocument,
    "\n  query EditorTaskTypes {\n    taskTypes {\n      name\n      description\n      configSchema\n    }\n  }\n": typeof types.EditorTaskTypesDocument,
    "\n  mutation EditorValidateDefinition($definition: JSON!) {\n    validateDefinition(definition: $definition) {\n      valid\n      nodeCount\n      issues {\n        code\n        message\n        nodeId\n        field\n        suggestion\n        path\n      }\n    }\n  }\n": typeof types.EditorValidateDefinitionDocument,
    "\n  mutation EditorCreateDag($input: CreateDagInput!) {\n    createDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n": typeof types.EditorCreateDagDocument,
    "\n  mutation EditorUpdateDag($input: UpdateDagInput!) {\n    updateDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n": typeof types.EditorUpdateDagDocument,
    "\n  query Executions($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus, $createdAfter: DateTime, $createdBefore: DateTime) {\n    executions(first: $first, after: $after, dagId: $dagId, status: $status, createdAfter: $createdAfter, createdBefore: $createdBefore) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        dagId\n        status\n        createdAt\n        startedAt\n        finishedAt\n        retryOfId\n      }\n    }\n  }\n": typeof types.ExecutionsDocument,
    "\n  query DagNames {\n    dags(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": typeof types.DagNamesDocument,
    "\n  query MonitorExecutionHead($id: ID!) {\n    execution(id: $id) {\n      id\n      events(first: 0) {\n        totalCount\n      }\n    }\n  }\n": typeof types.MonitorExecutionHeadDocument,
    "\n  query MonitorExecutionState($id: ID!) {\n    execution(id: $id) {\n      id\n      dagId\n      dagVersionId\n      status\n      params\n      createdAt\n      startedAt\n      finishedAt\n      retryOfId\n      nodes {\n        nodeId\n        mapIndex\n        status\n        attempts\n        startedAt\n        finishedAt\n        durationS\n        result\n        resultRef\n        error\n      }\n      timeline {\n        nodeId\n        mapIndex\n        attempts {\n          attempt\n          startedAt\n          finishedAt\n          outcome\n        }\n      }\n      logs(first: 5000) {\n        sequence\n        ts\n        nodeId\n        mapIndex\n        attempt\n        line\n      }\n    }\n  }\n": typeof types.MonitorExecutionStateDocument,
    "\n  query MonitorDagVersions($dagId: ID!, $after: String) {\n    dag(id: $dagId) {\n      id\n      name\n      versions(first: 50, after: $after) {\n        nodes {\n          id\n          version\n          definition\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.MonitorDagVersionsDocument,
    "\n  subscription MonitorExecutionEvents($executionId: ID!, $afterSequence: Int) {\n    executionEvents(executionId: $executionId, afterSequence: $afterSequence) {\n      sequence\n      kind\n      payload\n    }\n  }\n": typeof types.MonitorExecutionEventsDocument,
    "\n  mutation MonitorCancelExecution($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.MonitorCancelExecutionDocument,
    "\n  mutation MonitorRetryExecution($id: ID!) {\n    retryExecution(id: $id) {\n      id\n    }\n  }\n": typeof types.MonitorRetryExecutionDocument,
    "\n  query RunDialogDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      activeVersion {\n        id\n        version\n        definition\n      }\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n": typeof types.RunDialogDagDocument,
    "\n  query RunDialogVersion($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n": typeof types.RunDialogVersionDocument,
    "\n  mutation RunDialogExecuteDag($input: ExecuteDagInput!) {\n    executeDag(input: $input) {\n      id\n      status\n    }\n  }\n": typeof types.RunDialogExecuteDagDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      role\n      createdAt\n      lastUsedAt\n      expiresAt\n      revokedAt\n      createdBy {\n        name\n        email\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        lastUsedAt\n        expiresAt\n        revokedAt\n        createdBy {\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query Members($first: Int, $after: String, $search: String) {\n    members(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        role\n        createdAt\n        user {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      id\n      role\n      user {\n        id\n        email\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {\n    changeMemberRole(input: $input) {\n      id\n      role\n    }\n  }\n": typeof types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": typeof types.RemoveMemberDocument,
};
const documents: Documents = {
    "\n  mutation RefreshToken {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  query Me {\n    me {\n      user {\n        id\n        email\n        name\n      }\n      memberships {\n        id\n        role\n        organization {\n          id\n          name\n          slug\n        }\n      }\n      activeOrganizationId\n    }\n  }\n": types.MeDocument,
    "\n  query AuthProviders {\n    authProviders {\n      name\n      label\n      loginUrl\n    }\n  }\n": types.AuthProvidersDocument,
    "\n  query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {\n    dags(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        status\n        updatedAt\n        latestVersion {\n          version\n        }\n        activeVersion {\n          version\n        }\n        lastExecution {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n": types.DagsDocument,
    "\n  query Dag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      status\n      createdAt\n      updatedAt\n      activeVersion {\n        version\n      }\n      latestVersion {\n        version\n      }\n      versions(first: 100) {\n        totalCount\n        nodes {\n          id\n          version\n          message\n          createdAt\n          nodeCount\n          contentHash\n          createdBy {\n            name\n            email\n          }\n        }\n      }\n    }\n  }\n": types.DagDocument,
    "\n  query DagVersionDefinition($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n": types.DagVersionDefinitionDocument,
    "\n  query DagVersionDiff($dagId: ID!, $from: Int!, $to: Int!) {\n    dagVersionDiff(dagId: $dagId, from: $from, to: $to) {\n      from\n      to\n      nodesAdded\n      nodesRemoved\n      nodesChanged {\n        nodeId\n        fields\n      }\n      edgesAdded {\n        upstream\n        downstream\n      }\n      edgesRemoved {\n        upstream\n        downstream\n      }\n      fieldsChanged\n    }\n  }\n": types.DagVersionDiffDocument,
    "\n  mutation ActivateDag($input: ActivateDagInput!) {\n    activateDag(input: $input) {\n      id\n      status\n      activeVersion {\n        version\n      }\n    }\n  }\n": types.ActivateDagDocument,
    "\n  query EditorDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n": types.EditorDagDocument,
    "\n  query EditorTaskTypes {\n    taskTypes {\n      name\n      description\n      configSchema\n    }\n  }\n": types.EditorTaskTypesDocument,
    "\n  mutation EditorValidateDefinition($definition: JSON!) {\n    validateDefinition(definition: $definition) {\n      valid\n      nodeCount\n      issues {\n        code\n        message\n        nodeId\n        field\n        suggestion\n        path\n      }\n    }\n  }\n": types.EditorValidateDefinitionDocument,
    "\n  mutation EditorCreateDag($input: CreateDagInput!) {\n    createDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n": types.EditorCreateDagDocument,
    "\n  mutation EditorUpdateDag($input: UpdateDagInput!) {\n    updateDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n": types.EditorUpdateDagDocument,
    "\n  query Executions($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus, $createdAfter: DateTime, $createdBefore: DateTime) {\n    executions(first: $first, after: $after, dagId: $dagId, status: $status, createdAfter: $createdAfter, createdBefore: $createdBefore) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        dagId\n        status\n        createdAt\n        startedAt\n        finishedAt\n        retryOfId\n      }\n    }\n  }\n": types.ExecutionsDocument,
    "\n  query DagNames {\n    dags(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": types.DagNamesDocument,
    "\n  query MonitorExecutionHead($id: ID!) {\n    execution(id: $id) {\n      id\n      events(first: 0) {\n        totalCount\n      }\n    }\n  }\n": types.MonitorExecutionHeadDocument,
    "\n  query MonitorExecutionState($id: ID!) {\n    execution(id: $id) {\n      id\n      dagId\n      dagVersionId\n      status\n      params\n      createdAt\n      startedAt\n      finishedAt\n      retryOfId\n      nodes {\n        nodeId\n        mapIndex\n        status\n        attempts\n        startedAt\n        finishedAt\n        durationS\n        result\n        resultRef\n        error\n      }\n      timeline {\n        nodeId\n        mapIndex\n        attempts {\n          attempt\n          startedAt\n          finishedAt\n          outcome\n        }\n      }\n      logs(first: 5000) {\n        sequence\n        ts\n        nodeId\n        mapIndex\n        attempt\n        line\n      }\n    }\n  }\n": types.MonitorExecutionStateDocument,
    "\n  query MonitorDagVersions($dagId: ID!, $after: String) {\n    dag(id: $dagId) {\n      id\n      name\n      versions(first: 50, after: $after) {\n        nodes {\n          id\n          version\n          definition\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.MonitorDagVersionsDocument,
    "\n  subscription MonitorExecutionEvents($executionId: ID!, $afterSequence: Int) {\n    executionEvents(executionId: $executionId, afterSequence: $afterSequence) {\n      sequence\n      kind\n      payload\n    }\n  }\n": types.MonitorExecutionEventsDocument,
    "\n  mutation MonitorCancelExecution($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n": types.MonitorCancelExecutionDocument,
    "\n  mutation MonitorRetryExecution($id: ID!) {\n    retryExecution(id: $id) {\n      id\n    }\n  }\n": types.MonitorRetryExecutionDocument,
    "\n  query RunDialogDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      activeVersion {\n        id\n        version\n        definition\n      }\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n": types.RunDialogDagDocument,
    "\n  query RunDialogVersion($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n": types.RunDialogVersionDocument,
    "\n  mutation RunDialogExecuteDag($input: ExecuteDagInput!) {\n    executeDag(input: $input) {\n      id\n      status\n    }\n  }\n": types.RunDialogExecuteDagDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      role\n      createdAt\n      lastUsedAt\n      expiresAt\n      revokedAt\n      createdBy {\n        name\n        email\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        lastUsedAt\n        expiresAt\n        revokedAt\n        createdBy {\n          name\n          email\n        }\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query Members($first: Int, $after: String, $search: String) {\n    members(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        role\n        createdAt\n        user {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      id\n      role\n      user {\n        id\n        email\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {\n    changeMemberRole(input: $input) {\n      id\n      role\n    }\n  }\n": types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": types.RemoveMemberDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken {\n    refreshToken {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      user {\n        id\n        email\n        name\n      }\n      memberships {\n        id\n        role\n        organization {\n          id\n          name\n          slug\n        }\n      }\n      activeOrganizationId\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      user {\n        id\n        email\n        name\n      }\n      memberships {\n        id\n        role\n        organization {\n          id\n          name\n          slug\n        }\n      }\n      activeOrganizationId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthProviders {\n    authProviders {\n      name\n      label\n      loginUrl\n    }\n  }\n"): (typeof documents)["\n  query AuthProviders {\n    authProviders {\n      name\n      label\n      loginUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {\n    dags(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        status\n        updatedAt\n        latestVersion {\n          version\n        }\n        activeVersion {\n          version\n        }\n        lastExecution {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dags($first: Int, $after: String, $search: String, $status: DagStatus) {\n    dags(first: $first, after: $after, search: $search, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        status\n        updatedAt\n        latestVersion {\n          version\n        }\n        activeVersion {\n          version\n        }\n        lastExecution {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      status\n      createdAt\n      updatedAt\n      activeVersion {\n        version\n      }\n      latestVersion {\n        version\n      }\n      versions(first: 100) {\n        totalCount\n        nodes {\n          id\n          version\n          message\n          createdAt\n          nodeCount\n          contentHash\n          createdBy {\n            name\n            email\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      status\n      createdAt\n      updatedAt\n      activeVersion {\n        version\n      }\n      latestVersion {\n        version\n      }\n      versions(first: 100) {\n        totalCount\n        nodes {\n          id\n          version\n          message\n          createdAt\n          nodeCount\n          contentHash\n          createdBy {\n            name\n            email\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagVersionDefinition($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n"): (typeof documents)["\n  query DagVersionDefinition($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagVersionDiff($dagId: ID!, $from: Int!, $to: Int!) {\n    dagVersionDiff(dagId: $dagId, from: $from, to: $to) {\n      from\n      to\n      nodesAdded\n      nodesRemoved\n      nodesChanged {\n        nodeId\n        fields\n      }\n      edgesAdded {\n        upstream\n        downstream\n      }\n      edgesRemoved {\n        upstream\n        downstream\n      }\n      fieldsChanged\n    }\n  }\n"): (typeof documents)["\n  query DagVersionDiff($dagId: ID!, $from: Int!, $to: Int!) {\n    dagVersionDiff(dagId: $dagId, from: $from, to: $to) {\n      from\n      to\n      nodesAdded\n      nodesRemoved\n      nodesChanged {\n        nodeId\n        fields\n      }\n      edgesAdded {\n        upstream\n        downstream\n      }\n      edgesRemoved {\n        upstream\n        downstream\n      }\n      fieldsChanged\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ActivateDag($input: ActivateDagInput!) {\n    activateDag(input: $input) {\n      id\n      status\n      activeVersion {\n        version\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ActivateDag($input: ActivateDagInput!) {\n    activateDag(input: $input) {\n      id\n      status\n      activeVersion {\n        version\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EditorDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n"): (typeof documents)["\n  query EditorDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      description\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EditorTaskTypes {\n    taskTypes {\n      name\n      description\n      configSchema\n    }\n  }\n"): (typeof documents)["\n  query EditorTaskTypes {\n    taskTypes {\n      name\n      description\n      configSchema\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditorValidateDefinition($definition: JSON!) {\n    validateDefinition(definition: $definition) {\n      valid\n      nodeCount\n      issues {\n        code\n        message\n        nodeId\n        field\n        suggestion\n        path\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EditorValidateDefinition($definition: JSON!) {\n    validateDefinition(definition: $definition) {\n      valid\n      nodeCount\n      issues {\n        code\n        message\n        nodeId\n        field\n        suggestion\n        path\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditorCreateDag($input: CreateDagInput!) {\n    createDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EditorCreateDag($input: CreateDagInput!) {\n    createDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditorUpdateDag($input: UpdateDagInput!) {\n    updateDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EditorUpdateDag($input: UpdateDagInput!) {\n    updateDag(input: $input) {\n      dag {\n        id\n        name\n      }\n      version {\n        id\n        version\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Executions($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus, $createdAfter: DateTime, $createdBefore: DateTime) {\n    executions(first: $first, after: $after, dagId: $dagId, status: $status, createdAfter: $createdAfter, createdBefore: $createdBefore) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        dagId\n        status\n        createdAt\n        startedAt\n        finishedAt\n        retryOfId\n      }\n    }\n  }\n"): (typeof documents)["\n  query Executions($first: Int, $after: String, $dagId: ID, $status: ExecutionStatus, $createdAfter: DateTime, $createdBefore: DateTime) {\n    executions(first: $first, after: $after, dagId: $dagId, status: $status, createdAfter: $createdAfter, createdBefore: $createdBefore) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        dagId\n        status\n        createdAt\n        startedAt\n        finishedAt\n        retryOfId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DagNames {\n    dags(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query DagNames {\n    dags(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorExecutionHead($id: ID!) {\n    execution(id: $id) {\n      id\n      events(first: 0) {\n        totalCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorExecutionHead($id: ID!) {\n    execution(id: $id) {\n      id\n      events(first: 0) {\n        totalCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorExecutionState($id: ID!) {\n    execution(id: $id) {\n      id\n      dagId\n      dagVersionId\n      status\n      params\n      createdAt\n      startedAt\n      finishedAt\n      retryOfId\n      nodes {\n        nodeId\n        mapIndex\n        status\n        attempts\n        startedAt\n        finishedAt\n        durationS\n        result\n        resultRef\n        error\n      }\n      timeline {\n        nodeId\n        mapIndex\n        attempts {\n          attempt\n          startedAt\n          finishedAt\n          outcome\n        }\n      }\n      logs(first: 5000) {\n        sequence\n        ts\n        nodeId\n        mapIndex\n        attempt\n        line\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorExecutionState($id: ID!) {\n    execution(id: $id) {\n      id\n      dagId\n      dagVersionId\n      status\n      params\n      createdAt\n      startedAt\n      finishedAt\n      retryOfId\n      nodes {\n        nodeId\n        mapIndex\n        status\n        attempts\n        startedAt\n        finishedAt\n        durationS\n        result\n        resultRef\n        error\n      }\n      timeline {\n        nodeId\n        mapIndex\n        attempts {\n          attempt\n          startedAt\n          finishedAt\n          outcome\n        }\n      }\n      logs(first: 5000) {\n        sequence\n        ts\n        nodeId\n        mapIndex\n        attempt\n        line\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorDagVersions($dagId: ID!, $after: String) {\n    dag(id: $dagId) {\n      id\n      name\n      versions(first: 50, after: $after) {\n        nodes {\n          id\n          version\n          definition\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorDagVersions($dagId: ID!, $after: String) {\n    dag(id: $dagId) {\n      id\n      name\n      versions(first: 50, after: $after) {\n        nodes {\n          id\n          version\n          definition\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MonitorExecutionEvents($executionId: ID!, $afterSequence: Int) {\n    executionEvents(executionId: $executionId, afterSequence: $afterSequence) {\n      sequence\n      kind\n      payload\n    }\n  }\n"): (typeof documents)["\n  subscription MonitorExecutionEvents($executionId: ID!, $afterSequence: Int) {\n    executionEvents(executionId: $executionId, afterSequence: $afterSequence) {\n      sequence\n      kind\n      payload\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorCancelExecution($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation MonitorCancelExecution($id: ID!) {\n    cancelExecution(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorRetryExecution($id: ID!) {\n    retryExecution(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation MonitorRetryExecution($id: ID!) {\n    retryExecution(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunDialogDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      activeVersion {\n        id\n        version\n        definition\n      }\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n"): (typeof documents)["\n  query RunDialogDag($id: ID!) {\n    dag(id: $id) {\n      id\n      name\n      activeVersion {\n        id\n        version\n        definition\n      }\n      latestVersion {\n        id\n        version\n        definition\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunDialogVersion($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n"): (typeof documents)["\n  query RunDialogVersion($dagId: ID!, $version: Int!) {\n    dagVersion(dagId: $dagId, version: $version) {\n      id\n      version\n      definition\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunDialogExecuteDag($input: ExecuteDagInput!) {\n    executeDag(input: $input) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation RunDialogExecuteDag($input: ExecuteDagInput!) {\n    executeDag(input: $input) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      role\n      createdAt\n      lastUsedAt\n      expiresAt\n      revokedAt\n      createdBy {\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeys {\n    apiKeys {\n      id\n      name\n      prefix\n      role\n      createdAt\n      lastUsedAt\n      expiresAt\n      revokedAt\n      createdBy {\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        lastUsedAt\n        expiresAt\n        revokedAt\n        createdBy {\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        id\n        name\n        prefix\n        role\n        createdAt\n        lastUsedAt\n        expiresAt\n        revokedAt\n        createdBy {\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($first: Int, $after: String, $search: String) {\n    members(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        role\n        createdAt\n        user {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($first: Int, $after: String, $search: String) {\n    members(first: $first, after: $after, search: $search) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        role\n        createdAt\n        user {\n          id\n          name\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      id\n      role\n      user {\n        id\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      id\n      role\n      user {\n        id\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {\n    changeMemberRole(input: $input) {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {\n    changeMemberRole(input: $input) {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;