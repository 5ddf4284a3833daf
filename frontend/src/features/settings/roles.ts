import type { Role } from "../../gql/graphql";

export const ROLES: Role[] = ["OWNER", "ADMIN", "EDITOR", "VIEWER"];

export const ROLE_HELP: Record<Role, string> = {
  OWNER: "everything, including owners",
  ADMIN: "manages members and API keys",
  EDITOR: "writes and runs DAGs",
  VIEWER: "reads",
};

export function roleLabel(role: Role): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}
