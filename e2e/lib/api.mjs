// GraphQL over HTTP for the scenarios' setup and checks (the browser does the UI; this sets up
// data and asks the API what a user may see).

/** The GraphQL error `code` (extensions.code) of an answer, or null. */
export function errorCode(answer) {
  return answer.errors?.[0]?.extensions?.code ?? null;
}

/**
 * POST one operation to `${baseUrl}/graphql`; the whole answer ({data, errors}).
 * @param {string} baseUrl
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @param {string | null} token an access token or API key, sent as a Bearer token
 */
export async function gqlAnswer(baseUrl, query, variables = {}, token = null) {
  const headers = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

/** Like gqlAnswer, but returns `data` and throws on any error. */
export async function gql(baseUrl, query, variables = {}, token = null) {
  const answer = await gqlAnswer(baseUrl, query, variables, token);
  if (answer.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(answer.errors).slice(0, 500)}`);
  return answer.data;
}

/** An access token for the user with `email` and `password`. */
export async function signIn(baseUrl, email, password) {
  const data = await gql(baseUrl, "mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }", { i: { email, password } });
  return data.signIn.accessToken;
}

/** Create a DAG with `definition`; its id. */
export async function createDag(baseUrl, token, name, definition) {
  const data = await gql(
    baseUrl,
    "mutation($i: CreateDagInput!) { createDag(input: $i) { dag { id } } }",
    { i: { name, definition, message: "created by the e2e tests" } },
    token,
  );
  return data.createDag.dag.id;
}

/** Start a run of a DAG; the execution's id. */
export async function execute(baseUrl, token, dagId) {
  const data = await gql(baseUrl, "mutation($i: ExecuteDagInput!) { executeDag(input: $i) { id } }", { i: { dagId } }, token);
  return data.executeDag.id;
}

/** An execution's status (e.g. "SUCCEEDED"). */
export async function executionStatus(baseUrl, token, id) {
  const data = await gql(baseUrl, "query($id: ID!) { execution(id: $id) { status } }", { id }, token);
  return data.execution.status;
}
