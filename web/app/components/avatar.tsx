interface AvatarProps {
  name: string;
  url: string | null | undefined;
  alt: string;
  size?: "small" | "large";
}

/** The uploaded photo, or the name's initials on a colour derived from the name. */
export function Avatar({ name, url, alt, size = "large" }: AvatarProps) {
  const className = `avatar avatar-${size}`;
  if (url)
    return (
      <img
        className={className}
        src={url}
        alt={alt}
        width={size === "large" ? 96 : 32}
        height={size === "large" ? 96 : 32}
      />
    );
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => [...word][0]?.toUpperCase() ?? "")
    .join("");
  let hue = 0;
  for (const char of name) hue = (hue * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return (
    <span
      className={className}
      role="img"
      aria-label={alt}
      style={{ backgroundColor: `hsl(${hue} 55% 45%)` }}
    >
      {initials || "?"}
    </span>
  );
}
