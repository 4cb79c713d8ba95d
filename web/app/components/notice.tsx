import type { ReactNode } from "react";

interface NoticeProps {
  tone: "info" | "success" | "error";
  children: ReactNode;
  testId?: string;
}

/** Errors interrupt (role=alert); confirmations are announced politely (role=status). */
export function Notice({ tone, children, testId }: NoticeProps) {
  return (
    <div
      className={`notice notice-${tone}`}
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
    >
      {children}
    </div>
  );
}
