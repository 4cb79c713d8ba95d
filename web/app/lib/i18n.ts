/** Every UI string, in English and Chinese. `zh` is typed by `en`'s keys, so the two cannot drift apart. */
const en = {
  "meta.title": "ATAS — students meet industry",
  "meta.description":
    "atas-pro: invite industry experts with structured invitations. atas-link: your campus community.",

  "nav.home": "Home",
  "nav.login": "Log in",
  "nav.register": "Register",
  "nav.profile": "My profile",
  "nav.logout": "Log out",
  "nav.devMail": "Dev mailbox",
  "nav.language": "Language",
  "nav.signedInAs": "Signed in as",
  "nav.main": "Main",

  "home.eyebrow": "For students, clubs and the experts who help them",
  "home.title": "Bring industry onto campus — without the cold e-mails.",
  "home.lead":
    "ATAS is one account for two apps: atas-pro to invite industry experts to talks and mentoring, and atas-link to find your people on campus.",
  "home.ctaRegister": "Create an account",
  "home.ctaLogin": "I already have one",
  "home.ctaProfile": "Go to my profile",
  "home.welcomeBack": "Welcome back, {name}.",
  "home.proTitle": "atas-pro",
  "home.proLead":
    "Students and clubs invite industry experts with structured invitations instead of cold e-mail.",
  "home.proStructured":
    "Structured invitations: topic, format, audience and time slots the expert can accept in one click.",
  "home.proDrafts": "AI-drafted proposals you review and edit before anything is sent.",
  "home.proReminders": "Reminders for both sides, so no talk is forgotten.",
  "home.proNetwork": "Second-degree network: find the experts your friends and officers already know.",
  "home.linkTitle": "atas-link",
  "home.linkLead": "A RedNote-style campus community.",
  "home.linkNotes": "Notes: share what you learned with photos and tags.",
  "home.linkFeeds": "Feeds of your campus, your clubs and the people you follow.",
  "home.linkRooms": "Rooms: live chat for clubs, courses and events.",
  "home.howTitle": "How it starts",
  "home.how1": "Register with your university e-mail to get a verified campus badge.",
  "home.how2": "Fill in your profile: interests for students, topics and availability for experts.",
  "home.how3": "Invite, get invited, and meet.",

  "role.student": "Student",
  "role.expert": "Industry expert",
  "role.club": "Club",
  "role.admin": "Admin",

  "form.email": "E-mail",
  "form.password": "Password",
  "form.newPassword": "New password",
  "form.displayName": "Display name",
  "form.role": "I am a…",
  "form.passwordHint": "At least 8 characters. A long passphrase is best.",
  "form.problem": "Please check the form.",
  "form.required": "Required.",

  "register.title": "Create your account",
  "register.lead": "Use your university address to get your campus verified.",
  "register.submit": "Create account",
  "register.doneTitle": "Check your e-mail",
  "register.done": "We sent a link to {email}. Open it to verify your address, then log in.",
  "register.haveAccount": "Already registered?",

  "dev.mailboxHint": "Local run: mail lands in the dev mailbox instead of being sent.",
  "dev.openMailbox": "Open the dev mailbox",

  "verify.title": "Confirm your e-mail",
  "verify.lead": "Press the button to confirm this address belongs to you.",
  "verify.submit": "Confirm my e-mail",
  "verify.noToken": "This link has no token. Open the link from your e-mail again.",
  "verify.done": "Your e-mail is verified. You can log in now.",
  "verify.campusVerified": "Your campus is verified too.",
  "verify.failed": "This link is invalid, used or expired.",
  "verify.resendLead": "Send a new verification link:",
  "verify.resend": "Send a new link",
  "verify.resent": "If that address has an unverified account, a new link is on its way.",

  "login.title": "Log in",
  "login.submit": "Log in",
  "login.forgot": "Forgot your password?",
  "login.noAccount": "New here?",
  "login.wrong": "E-mail or password is incorrect.",
  "login.unverified": "Verify your e-mail first. We can send the link again.",
  "login.resend": "Resend the verification e-mail",
  "login.resent": "If that address has an unverified account, a new link is on its way.",

  "error.rateLimited": "Too many attempts. Try again in {seconds} seconds.",
  "error.unavailable": "The service is busy. Try again in a moment.",
  "error.generic": "Something went wrong. Please try again.",

  "forgot.title": "Forgot your password?",
  "forgot.lead": "Enter your e-mail and we will send you a link to set a new password.",
  "forgot.submit": "Send reset link",
  "forgot.done": "If an account exists for {email}, a reset link is on its way.",

  "reset.title": "Set a new password",
  "reset.submit": "Save new password",
  "reset.done": "Your password has been changed. Log in with the new one.",
  "reset.noToken": "This link has no token. Ask for a new reset link.",
  "reset.failed": "This link is invalid, used or expired.",
  "reset.again": "Ask for a new link",

  "logout.title": "Log out",
  "logout.submit": "Log out",

  "profile.title": "My profile",
  "profile.edit": "Edit profile",
  "profile.publicPage": "View public page",
  "profile.email": "E-mail",
  "profile.emailVerified": "verified",
  "profile.campus": "Campus",
  "profile.noCampus": "No campus",
  "profile.verified": "Verified",
  "profile.unverified": "Unverified",
  "profile.joined": "Joined {date}",
  "profile.noBio": "No bio yet.",
  "profile.headline": "Headline",
  "profile.company": "Company",
  "profile.industry": "Industry",
  "profile.yearsExperience": "Years of experience",
  "profile.skills": "Skills",
  "profile.topics": "Topics",
  "profile.availability": "Availability",
  "profile.noAvailability": "No times set.",
  "profile.accepting": "Accepting invitations",
  "profile.notAccepting": "Not accepting invitations right now",
  "profile.major": "Major",
  "profile.year": "Year",
  "profile.yearN": "Year {n}",
  "profile.interests": "Interests",
  "profile.clubName": "Club name",
  "profile.description": "Description",
  "profile.officers": "Officers",
  "profile.noOfficers": "No officers listed.",
  "profile.none": "—",
  "profile.notFound": "There is no profile here.",
  "profile.avatarAlt": "Photo of {name}",

  "edit.title": "Edit profile",
  "edit.lead": "Lists are comma-separated.",
  "edit.bio": "About you",
  "edit.campus": "Campus",
  "edit.campusNone": "No campus",
  "edit.campusLocked": "Your campus is verified from your e-mail and cannot be changed here.",
  "edit.yearNone": "Not set",
  "edit.listHint": "Separate with commas, e.g. ai, startups, design",
  "edit.availabilityHint":
    "One window per line: weekday start-end time zone, e.g. Tue 19:00-21:00 Asia/Kuala_Lumpur",
  "edit.officersHint": "One officer per line: user id, title",
  "edit.accepting": "I am accepting invitations",
  "edit.save": "Save profile",
  "edit.cancel": "Cancel",
  "edit.avatarTitle": "Profile photo",
  "edit.avatarHint": "PNG, JPEG, WebP or GIF, at most 1 MB.",
  "edit.avatarChoose": "Choose a photo",
  "edit.avatarUpload": "Upload photo",
  "edit.avatarUploading": "Uploading…",
  "edit.avatarDone": "Photo updated.",
  "edit.avatarTooBig": "That file is over 1 MB.",
  "edit.avatarWrongType": "Choose a PNG, JPEG, WebP or GIF image.",
  "edit.avatarNoScript": "Uploading a photo needs JavaScript.",
  "edit.lineError": "Line {line}: {message}",
  "edit.badLine": "write it like Tue 19:00-21:00 Asia/Kuala_Lumpur",
  "edit.badWeekday": "unknown weekday",
  "edit.badTime": "start must be before end",
  "edit.badZone": "unknown time zone",
  "edit.badNumber": "Enter a whole number.",
  "edit.badOfficer": "write it like 0b6f…-uuid, President",

  "mail.title": "Dev mailbox",
  "mail.lead": "Mail the app would send, newest first. Only on local and test runs.",
  "mail.empty": "No mail yet.",
  "mail.to": "To",
  "mail.refresh": "Refresh",

  "weekday.0": "Sun",
  "weekday.1": "Mon",
  "weekday.2": "Tue",
  "weekday.3": "Wed",
  "weekday.4": "Thu",
  "weekday.5": "Fri",
  "weekday.6": "Sat",

  "notFound.title": "Page not found",
  "notFound.lead": "We could not find what you were looking for.",
  "error.title": "Something went wrong",
  "error.backHome": "Back to the home page",
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  "meta.title": "ATAS — 让学生与业界相遇",
  "meta.description": "atas-pro：用结构化邀请联系业界专家。atas-link：你的校园社区。",

  "nav.home": "首页",
  "nav.login": "登录",
  "nav.register": "注册",
  "nav.profile": "我的主页",
  "nav.logout": "退出登录",
  "nav.devMail": "开发邮箱",
  "nav.language": "语言",
  "nav.signedInAs": "当前用户",
  "nav.main": "主导航",

  "home.eyebrow": "为学生、社团，以及愿意帮助他们的专家而生",
  "home.title": "把业界请进校园——不再需要冷冰冰的陌生邮件。",
  "home.lead":
    "ATAS 一个账号，两个应用：用 atas-pro 邀请业界专家来讲座与指导，用 atas-link 在校园里找到志同道合的人。",
  "home.ctaRegister": "创建账号",
  "home.ctaLogin": "我已有账号",
  "home.ctaProfile": "前往我的主页",
  "home.welcomeBack": "欢迎回来，{name}。",
  "home.proTitle": "atas-pro",
  "home.proLead": "学生和社团用结构化邀请联系业界专家，告别陌生邮件。",
  "home.proStructured": "结构化邀请：主题、形式、听众和时间段一目了然，专家一键即可接受。",
  "home.proDrafts": "AI 起草邀请方案，你审阅修改后才会发出。",
  "home.proReminders": "双方都会收到提醒，讲座不再被遗忘。",
  "home.proNetwork": "二度人脉：找到你的朋友和社团干部已经认识的专家。",
  "home.linkTitle": "atas-link",
  "home.linkLead": "小红书风格的校园社区。",
  "home.linkNotes": "笔记：用图片和标签分享你的所学所得。",
  "home.linkFeeds": "动态：你的校园、社团和关注的人的最新内容。",
  "home.linkRooms": "房间：社团、课程和活动的实时聊天。",
  "home.howTitle": "如何开始",
  "home.how1": "用大学邮箱注册，获得校园认证徽章。",
  "home.how2": "完善个人资料：学生填写兴趣，专家填写话题和可约时间。",
  "home.how3": "发出邀请，接受邀请，见面交流。",

  "role.student": "学生",
  "role.expert": "业界专家",
  "role.club": "社团",
  "role.admin": "管理员",

  "form.email": "电子邮箱",
  "form.password": "密码",
  "form.newPassword": "新密码",
  "form.displayName": "显示名称",
  "form.role": "我是…",
  "form.passwordHint": "至少 8 个字符，推荐使用较长的密码短语。",
  "form.problem": "请检查表单。",
  "form.required": "必填。",

  "register.title": "创建账号",
  "register.lead": "使用大学邮箱注册即可认证校园身份。",
  "register.submit": "创建账号",
  "register.doneTitle": "请查收邮件",
  "register.done": "我们已向 {email} 发送链接。打开链接验证邮箱后即可登录。",
  "register.haveAccount": "已经注册？",

  "dev.mailboxHint": "本地运行：邮件不会真正发出，而是存放在开发邮箱中。",
  "dev.openMailbox": "打开开发邮箱",

  "verify.title": "确认你的邮箱",
  "verify.lead": "点击按钮，确认这个邮箱属于你。",
  "verify.submit": "确认我的邮箱",
  "verify.noToken": "此链接缺少令牌，请重新打开邮件中的链接。",
  "verify.done": "邮箱验证成功，现在可以登录了。",
  "verify.campusVerified": "你的校园身份也已认证。",
  "verify.failed": "此链接无效、已使用或已过期。",
  "verify.resendLead": "重新发送验证链接：",
  "verify.resend": "发送新链接",
  "verify.resent": "如果该邮箱有未验证的账号，新的链接已在路上。",

  "login.title": "登录",
  "login.submit": "登录",
  "login.forgot": "忘记密码？",
  "login.noAccount": "第一次来？",
  "login.wrong": "邮箱或密码不正确。",
  "login.unverified": "请先验证邮箱，我们可以重新发送链接。",
  "login.resend": "重新发送验证邮件",
  "login.resent": "如果该邮箱有未验证的账号，新的链接已在路上。",

  "error.rateLimited": "尝试次数过多，请在 {seconds} 秒后重试。",
  "error.unavailable": "服务繁忙，请稍后再试。",
  "error.generic": "出了点问题，请重试。",

  "forgot.title": "忘记密码？",
  "forgot.lead": "输入你的邮箱，我们会发送设置新密码的链接。",
  "forgot.submit": "发送重置链接",
  "forgot.done": "如果 {email} 有对应账号，重置链接已在路上。",

  "reset.title": "设置新密码",
  "reset.submit": "保存新密码",
  "reset.done": "密码已修改，请用新密码登录。",
  "reset.noToken": "此链接缺少令牌，请重新申请重置链接。",
  "reset.failed": "此链接无效、已使用或已过期。",
  "reset.again": "重新申请链接",

  "logout.title": "退出登录",
  "logout.submit": "退出登录",

  "profile.title": "我的主页",
  "profile.edit": "编辑资料",
  "profile.publicPage": "查看公开主页",
  "profile.email": "电子邮箱",
  "profile.emailVerified": "已验证",
  "profile.campus": "学校",
  "profile.noCampus": "未设置学校",
  "profile.verified": "已认证",
  "profile.unverified": "未认证",
  "profile.joined": "{date} 加入",
  "profile.noBio": "还没有简介。",
  "profile.headline": "职位",
  "profile.company": "公司",
  "profile.industry": "行业",
  "profile.yearsExperience": "从业年限",
  "profile.skills": "技能",
  "profile.topics": "可分享话题",
  "profile.availability": "可约时间",
  "profile.noAvailability": "尚未设置时间。",
  "profile.accepting": "正在接受邀请",
  "profile.notAccepting": "暂不接受邀请",
  "profile.major": "专业",
  "profile.year": "年级",
  "profile.yearN": "{n} 年级",
  "profile.interests": "兴趣",
  "profile.clubName": "社团名称",
  "profile.description": "简介",
  "profile.officers": "干部",
  "profile.noOfficers": "尚未列出干部。",
  "profile.none": "—",
  "profile.notFound": "这里没有主页。",
  "profile.avatarAlt": "{name} 的头像",

  "edit.title": "编辑资料",
  "edit.lead": "列表项之间用逗号分隔。",
  "edit.bio": "关于你",
  "edit.campus": "学校",
  "edit.campusNone": "未设置学校",
  "edit.campusLocked": "你的学校已通过邮箱认证，不能在此修改。",
  "edit.yearNone": "未设置",
  "edit.listHint": "用逗号分隔，例如：ai, startups, design",
  "edit.availabilityHint": "每行一个时间段：星期 开始-结束 时区，例如 Tue 19:00-21:00 Asia/Kuala_Lumpur",
  "edit.officersHint": "每行一位干部：用户 ID, 职位",
  "edit.accepting": "我正在接受邀请",
  "edit.save": "保存资料",
  "edit.cancel": "取消",
  "edit.avatarTitle": "头像",
  "edit.avatarHint": "PNG、JPEG、WebP 或 GIF，不超过 1 MB。",
  "edit.avatarChoose": "选择图片",
  "edit.avatarUpload": "上传头像",
  "edit.avatarUploading": "上传中…",
  "edit.avatarDone": "头像已更新。",
  "edit.avatarTooBig": "文件超过 1 MB。",
  "edit.avatarWrongType": "请选择 PNG、JPEG、WebP 或 GIF 图片。",
  "edit.avatarNoScript": "上传头像需要启用 JavaScript。",
  "edit.lineError": "第 {line} 行：{message}",
  "edit.badLine": "请写成 Tue 19:00-21:00 Asia/Kuala_Lumpur 的格式",
  "edit.badWeekday": "无法识别的星期",
  "edit.badTime": "开始时间必须早于结束时间",
  "edit.badZone": "无法识别的时区",
  "edit.badNumber": "请输入整数。",
  "edit.badOfficer": "请写成 用户ID, 职位 的格式",

  "mail.title": "开发邮箱",
  "mail.lead": "应用将要发送的邮件，最新的在前。仅在本地和测试环境可用。",
  "mail.empty": "还没有邮件。",
  "mail.to": "收件人",
  "mail.refresh": "刷新",

  "weekday.0": "周日",
  "weekday.1": "周一",
  "weekday.2": "周二",
  "weekday.3": "周三",
  "weekday.4": "周四",
  "weekday.5": "周五",
  "weekday.6": "周六",

  "notFound.title": "页面不存在",
  "notFound.lead": "找不到你要的内容。",
  "error.title": "出错了",
  "error.backHome": "返回首页",
};

export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = "lang";

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, zh };
/** Written on <html lang>. */
export const HTML_LANG: Record<Lang, string> = { en: "en", zh: "zh-Hans" };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dictionary = DICTIONARIES[lang];
  return (key, vars) => {
    const text = dictionary[key];
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/** The `lang` cookie if set, else Chinese when the browser prefers it, else English. */
export function preferredLang(request: Request): Lang {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === LANG_COOKIE && isLang(value)) return value;
  }
  const first = request.headers.get("accept-language")?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("zh") ? "zh" : "en";
}

export function langCookie(lang: Lang): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
