import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import { type Answerer, renderSignedOut, testClient } from "../../api/testing";
import SignInPage from "./SignInPage";
import SignUpPage from "./SignUpPage";
import { validateSignUp } from "./validation";

afterEach(cleanup);

const noProviders: Answerer = ({ operationName }) => (operationName === "AuthProviders" ? { data: { authProviders: [] } } : "pending");

const signedIn = (name: string) => ({
  data: { [name]: { accessToken: "t1", accessTokenExpiresAt: new Date(Date.now() + 900_000).toISOString(), user: { id: "u1", email: "ada@example.org", name: "Ada" } } },
});

describe("SignInPage", () => {
  it("shows what is missing and sends nothing", async () => {
    const { client, calls } = testClient(noProviders);
    renderSignedOut(<SignInPage />, { client });
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Enter your email address.")).toBeTruthy();
    expect(screen.getByText("Enter your password.")).toBeTruthy();
    expect(calls.map((c) => c.operationName)).not.toContain("SignIn");
  });

  it("refuses an address that is not an email", async () => {
    const { client } = testClient(noProviders);
    renderSignedOut(<SignInPage />, { client });
    await userEvent.type(await screen.findByLabelText("Email"), "ada");
    await userEvent.type(screen.getByLabelText("Password"), "secret-password");
    await userEvent.keyboard("{Enter}");
    expect(screen.getByText("This is not a valid email address.")).toBeTruthy();
  });

  it("shows the server's refusal of a wrong password", async () => {
    const { client, calls } = testClient((call) =>
      call.operationName === "SignIn" ? { error: { message: "wrong email or password", code: "UNAUTHENTICATED" } } : noProviders(call),
    );
    renderSignedOut(<SignInPage />, { client });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "not-her-password");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong email or password.");
    expect(calls.find((c) => c.operationName === "SignIn")?.variables).toEqual({ input: { email: "ada@example.org", password: "not-her-password" } });
  });

  it("says when to try again after too many attempts", async () => {
    const { client } = testClient((call) =>
      call.operationName === "SignIn" ? { error: { message: "too many attempts", code: "RATE_LIMITED", details: { retry_after: 41.2 } } } : noProviders(call),
    );
    renderSignedOut(<SignInPage />, { client });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "whatever-it-is{Enter}");
    expect((await screen.findByRole("alert")).textContent).toBe("Too many attempts. Try again in 42 s.");
  });

  it("goes to the page it was sent from once signed in", async () => {
    const { client } = testClient((call) => (call.operationName === "SignIn" ? signedIn("signIn") : noProviders(call)));
    renderSignedOut(<SignInPage />, { client, path: "/signin?next=%2Fexecutions" });
    await userEvent.type(await screen.findByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "correct-password{Enter}");
    expect(await screen.findByText("signed in page")).toBeTruthy();
  });

  it("shows a button per configured sign-in provider", async () => {
    const { client } = testClient(({ operationName }) =>
      operationName === "AuthProviders" ? { data: { authProviders: [{ name: "github", label: "GitHub", loginUrl: "/auth/oidc/github/login" }] } } : "pending",
    );
    renderSignedOut(<SignInPage />, { client });
    const link = await screen.findByRole("link", { name: "Continue with GitHub" });
    expect(link.getAttribute("href")).toBe("/auth/oidc/github/login");
  });

  it("shows no provider button when none is configured", async () => {
    const { client, calls } = testClient(noProviders);
    renderSignedOut(<SignInPage />, { client });
    await screen.findByRole("button", { name: "Sign in" });
    await waitFor(() => expect(calls.some((c) => c.operationName === "AuthProviders")).toBe(true));
    expect(screen.queryByRole("link", { name: /Continue with/ })).toBeNull();
  });

  it("explains a refused OAuth sign-in from the redirect's auth_error", async () => {
    const { client } = testClient(noProviders);
    renderSignedOut(<SignInPage />, { client, path: "/signin?auth_error=account_exists" });
    expect((await screen.findByRole("alert")).textContent).toMatch(/already exists: sign in with your password/);
  });
});

describe("SignUpPage", () => {
  it("requires a password of at least 10 characters, typed twice alike", async () => {
    const { client, calls } = testClient(noProviders);
    renderSignedOut(<SignUpPage />, { client, path: "/signup" });
    await userEvent.type(await screen.findByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByText("Use at least 10 characters.")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Password"), "-but-longer-now");
    await userEvent.type(screen.getByLabelText("Confirm password"), "something-else");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByText("The passwords do not match.")).toBeTruthy();
    expect(calls.map((c) => c.operationName)).not.toContain("SignUp");
  });

  it("puts a taken email's refusal on the email field", async () => {
    const { client } = testClient((call) => (call.operationName === "SignUp" ? { error: { message: "this email is taken", code: "CONFLICT" } } : noProviders(call)));
    renderSignedOut(<SignUpPage />, { client, path: "/signup" });
    await userEvent.type(await screen.findByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "long-enough-password");
    await userEvent.type(screen.getByLabelText("Confirm password"), "long-enough-password{Enter}");
    expect(await screen.findByText("An account with this email already exists. Sign in instead.")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
  });

  it("signs up and enters the app", async () => {
    const { client, calls } = testClient((call) => (call.operationName === "SignUp" ? signedIn("signUp") : noProviders(call)));
    renderSignedOut(<SignUpPage />, { client, path: "/signup" });
    await userEvent.type(await screen.findByLabelText("Name"), " Ada ");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.org");
    await userEvent.type(screen.getByLabelText("Password"), "long-enough-password");
    await userEvent.type(screen.getByLabelText("Confirm password"), "long-enough-password{Enter}");
    expect(await screen.findByText("signed in page")).toBeTruthy();
    expect(calls.find((c) => c.operationName === "SignUp")?.variables).toEqual({ input: { name: "Ada", email: "ada@example.org", password: "long-enough-password" } });
  });
});

describe("validateSignUp", () => {
  it("accepts a complete form", () => {
    expect(validateSignUp({ name: "Ada", email: "ada@example.org", password: "0123456789", confirm: "0123456789" })).toEqual({});
  });

  it("refuses a password over 1024 characters", () => {
    const password = "x".repeat(1025);
    expect(validateSignUp({ name: "Ada", email: "ada@example.org", password, confirm: password }).password).toBe("Use at most 1024 characters.");
  });
});
