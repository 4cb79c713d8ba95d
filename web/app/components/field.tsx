import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { useT } from "~/lib/root-data";

interface ShellProps {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

interface ControlIds {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

/** Label, hint and error wired to one control by id, so screen readers announce all three. */
function FieldShell({
  label,
  error,
  hint,
  children,
}: ShellProps & { children: (ids: ControlIds) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  return (
    <div className={error ? "field has-error" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(error ? { "aria-invalid": true } : {}),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = ShellProps & InputHTMLAttributes<HTMLInputElement> & { name: string };

export function TextField({ label, error, hint, ...input }: InputProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(ids) => <input {...input} {...ids} />}
    </FieldShell>
  );
}

type TextAreaProps = ShellProps & TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string };

export function TextAreaField({ label, error, hint, ...textarea }: TextAreaProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(ids) => <textarea {...textarea} {...ids} />}
    </FieldShell>
  );
}

type SelectProps = ShellProps &
  SelectHTMLAttributes<HTMLSelectElement> & { name: string; children: ReactNode };

export function SelectField({ label, error, hint, children, ...select }: SelectProps) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {(ids) => (
        <select {...select} {...ids}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}

/** The e-mail input every account form shares. */
export function EmailField({
  defaultValue,
  error,
}: {
  defaultValue?: string | undefined;
  error?: string | undefined;
}) {
  const t = useT();
  return (
    <TextField
      label={t("form.email")}
      name="email"
      type="email"
      autoComplete="email"
      required
      defaultValue={defaultValue}
      error={error}
    />
  );
}
