// The GraphQL operations of the editor.
import { graphql } from "../../gql";

export const EditorDagQuery = graphql(`
  query EditorDag($id: ID!) {
    dag(id: $id) {
      id
      name
      description
      latestVersion {
        id
        version
        definition
      }
    }
  }
`);

export const TaskTypesQuery = graphql(`
  query EditorTaskTypes {
    taskTypes {
      name
      description
      configSchema
    }
  }
`);

export const ValidateDefinitionMutation = graphql(`
  mutation EditorValidateDefinition($definition: JSON!) {
    validateDefinition(definition: $definition) {
      valid
      nodeCount
      issues {
        code
        message
        nodeId
        field
        suggestion
        path
      }
    }
  }
`);

export const CreateDagMutation = graphql(`
  mutation EditorCreateDag($input: CreateDagInput!) {
    createDag(input: $input) {
      dag {
        id
        name
      }
      version {
        id
        version
      }
    }
  }
`);

export const UpdateDagMutation = graphql(`
  mutation EditorUpdateDag($input: UpdateDagInput!) {
    updateDag(input: $input) {
      dag {
        id
        name
      }
      version {
        id
        version
      }
    }
  }
`);
