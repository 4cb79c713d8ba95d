import { index, type RouteConfig, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("register", "routes/register.tsx"),
  route("verify", "routes/verify.tsx"),
  route("login", "routes/login.tsx"),
  route("logout", "routes/logout.tsx"),
  route("forgot-password", "routes/forgot-password.tsx"),
  route("reset-password", "routes/reset-password.tsx"),
  route("profile", "routes/profile.tsx"),
  route("profile/edit", "routes/profile-edit.tsx"),
  route("u/:id", "routes/user.tsx"),
  route("experts", "routes/experts.tsx"),
  route("experts/:id", "routes/expert.tsx"),
  route("experts/:id/invite", "routes/expert-invite.tsx"),
  route("invitations", "routes/invitations.tsx"),
  route("invitations/:id", "routes/invitation.tsx"),
  route("notifications", "routes/notifications.tsx"),
  route("admin", "routes/admin.tsx"),
  route("dev/mail", "routes/dev-mail.tsx"),
  route("lang", "routes/lang.tsx"),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
