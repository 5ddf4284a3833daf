// A button: primary, secondary (default), danger or ghost; shows a spinner while `loading`.
import type { ButtonHTMLAttributes } from "react";

import { Spinner } from "./Spinner";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  size?: "md" | "sm";
  /** Disabled, with a spinner. */
  loading?: boolean;
  block?: boolean;
}

export function Button({ variant = "secondary", size = "md", loading = false, block = false, className, disabled, children, type = "button", ...rest }: ButtonProps) {
  const classes = ["btn", `btn-${variant}`, size === "sm" ? "btn-sm" : "", block ? "btn-block" : "", className ?? ""];
  return (
    <button type={type} className={classes.filter(Boolean).join(" ")} disabled={disabled || loading} aria-busy={loading || undefined} {...rest}>
      {loading && <Spinner />}
      {children}
    </button>
  );
}
