// Labelled form controls with a hint and an error message wired to aria-describedby.
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

interface FieldShell {
  label: string;
  hint?: ReactNode;
  error?: string | null;
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

function Messages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | null }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </>
  );
}

export type TextFieldProps = FieldShell & InputHTMLAttributes<HTMLInputElement>;

export function TextField({ label, hint, error, id, className, ...input }: TextFieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy(inputId, hint, error)} {...input} />
      <Messages id={inputId} hint={hint} error={error} />
    </div>
  );
}

export type SelectFieldProps = FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode };

export function SelectField({ label, hint, error, id, className, children, ...select }: SelectFieldProps) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} className="select" aria-invalid={error ? true : undefined} aria-describedby={describedBy(selectId, hint, error)} {...select}>
        {children}
      </select>
      <Messages id={selectId} hint={hint} error={error} />
    </div>
  );
}
