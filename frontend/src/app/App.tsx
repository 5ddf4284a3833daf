// The application shell: routes of every screen (filled in by the frontend issue's work).
import { BrowserRouter, Route, Routes } from "react-router";

import { graphql } from "../gql";

// The signed-in user: the first query the shell makes.
export const MeQuery = graphql(`
  query Me {
    me {
      user {
        id
        email
      }
      activeOrganizationId
    }
  }
`);

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="*" element={<main>OPEN</main>} />
      </Routes>
    </BrowserRouter>
  );
}
