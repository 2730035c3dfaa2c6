/**
 * Default participant-facing texts of the widget and the hosted pages, and the
 * default sign-up, fulfillment, re-share and progress-link emails, in every
 * locale we ship (spec section 2, "Texts and style"). Every string here can be
 * overridden per offer; these are only what an offer starts with.
 *
 * Conventions:
 * - Texts use single-brace placeholders (`{credit}`, `{goal}`, `{remaining}`,
 *   `{count}`, `{max}`, `{html_title}`); a key uses the same placeholders in
 *   every locale.
 * - Emails use Marketo-style tokens (`{{social.Share Url}}`, ...), rendered by
 *   `tokens.ts`; a token's value is HTML-escaped there, so the templates below
 *   only escape their own words.
 * - French texts get a no-break space before `:`, `;`, `!` and `?` (see
 *   `frenchSpacing`), so the punctuation never wraps onto its own line.
 *
 * Pure data and functions: no I/O, no imports.
 */

export const SUPPORTED_LOCALES = ['en', 'fr', 'sv', 'zh-CN'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const TEXT_KEYS = [
  // Sign-up
  'signupPrompt',
  'signupButton',
  'signupButtonAfter',
  'alreadyJoinedMessage',
  'trackProgressLink',
  // Person capture
  'capturePrompt',
  'fieldEmail',
  'fieldFirstName',
  'fieldLastName',
  'fieldCompany',
  'fieldPhone',
  'requiredMarker',
  'requiredLegend',
  'optionalMarker',
  'captureSubmit',
  'errorRequired',
  'errorInvalidEmail',
  'consentOptIn',
  'consentOptOut',
  'consentUnsubscribeNote',
  // Share-then-capture / capture-then-share
  'shareToFinishPrompt',
  'skipShareButton',
  // Confirmation and sharing
  'confirmationHeading',
  'confirmationMessage',
  'shareUrlLabel',
  'copyLinkButton',
  'copyLinkCopied',
  'shareHeading',
  'shareEmailButton',
  'shareFacebookButton',
  'shareXButton',
  'shareLinkedInButton',
  'shareCounter',
  'shareMessageDefault',
  'shareEmailSubject',
  // Re-share by email
  'reshareHeading',
  'reshareRecipientsLabel',
  'reshareRecipientsHint',
  'reshareSendButton',
  'reshareSent',
  'reshareInvalidRecipients',
  'reshareTooManyRecipients',
  // Track progress
  'progressHeading',
  'progressCredit',
  'progressGoalMet',
  'progressNextSteps',
  'emailMyLinkPrompt',
  'emailMyLinkButton',
  'emailMyLinkSent',
  // Footer links
  'rulesLink',
  'privacyLink',
  // Pages and errors
  'offerUnavailableTitle',
  'offerUnavailableMessage',
  'shareCodeNotFoundTitle',
  'shareCodeNotFoundMessage',
  'errorGeneric',
  'errorRateLimited',
  'loading',
] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type Texts = Record<TextKey, string>;

/** No-break space before French high punctuation (`:` `;` `!` `?`). Leaves `{{...}}` tokens alone. */
function frenchSpacing(value: string): string {
  return value.replace(/ ([:;!?])(?=\s|$|<)/g, '\u00a0$1');
}

function mapValues<T extends Record<string, string>>(record: T, fn: (v: string) => string): T {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) out[key] = fn(value);
  return out as T;
}

const EN: Texts = {
  signupPrompt: 'Invite your friends and earn a reward.',
  signupButton: 'Join now',
  signupButtonAfter: 'You’re in!',
  alreadyJoinedMessage: 'You’ve already joined. Here is your link.',
  trackProgressLink: 'Already joined? See your progress',

  capturePrompt: 'Tell us who you are and we’ll email you your personal link.',
  fieldEmail: 'Email',
  fieldFirstName: 'First name',
  fieldLastName: 'Last name',
  fieldCompany: 'Company',
  fieldPhone: 'Phone',
  requiredMarker: '*',
  requiredLegend: '* Required',
  optionalMarker: '(optional)',
  captureSubmit: 'Continue',
  errorRequired: 'This field is required.',
  errorInvalidEmail: 'Please enter a valid email address.',
  consentOptIn: 'Yes, email me news and offers.',
  consentOptOut: 'Don’t email me news and offers.',
  consentUnsubscribeNote: 'You can unsubscribe at any time.',

  shareToFinishPrompt: 'Share your link to finish signing up.',
  skipShareButton: 'Maybe later',

  confirmationHeading: 'Thanks for joining!',
  confirmationMessage: 'Share your personal link. Every friend who uses it brings you closer to your reward.',
  shareUrlLabel: 'Your personal link',
  copyLinkButton: 'Copy link',
  copyLinkCopied: 'Copied!',
  shareHeading: 'Spread the word',
  shareEmailButton: 'Share by email',
  shareFacebookButton: 'Share on Facebook',
  shareXButton: 'Post on X',
  shareLinkedInButton: 'Share on LinkedIn',
  shareCounter: 'Shares: {count}',
  shareMessageDefault: 'Have a look at this: {html_title}',
  shareEmailSubject: 'I thought you’d like this',

  reshareHeading: 'Invite friends by email',
  reshareRecipientsLabel: 'Your friends’ email addresses',
  reshareRecipientsHint: 'Separate addresses with commas.',
  reshareSendButton: 'Send invitations',
  reshareSent: 'Your invitations are on their way!',
  reshareInvalidRecipients: 'Some addresses don’t look right. Please check them.',
  reshareTooManyRecipients: 'You can invite up to {max} friends at a time.',

  progressHeading: 'Your progress',
  progressCredit: 'Credit: {credit} of {goal}',
  progressGoalMet: 'Goal reached! Your reward is on its way.',
  progressNextSteps: 'Keep sharing your link: {remaining} more to reach the goal.',
  emailMyLinkPrompt: 'Lost your link? Enter your email and we’ll send it again.',
  emailMyLinkButton: 'Email me my link',
  emailMyLinkSent: 'If this address is signed up, your link is on its way.',

  rulesLink: 'Offer rules',
  privacyLink: 'Privacy policy',

  offerUnavailableTitle: 'Offer not available',
  offerUnavailableMessage: 'This referral offer has ended or isn’t open yet.',
  shareCodeNotFoundTitle: 'Link not found',
  shareCodeNotFoundMessage:
    'This share link doesn’t work. Check that you have the whole link, or ask your friend to send it again.',
  errorGeneric: 'Something went wrong. Please try again.',
  errorRateLimited: 'Too many attempts. Please wait a moment and try again.',
  loading: 'Loading…',
};

const FR: Texts = mapValues<Texts>(
  {
    signupPrompt: 'Parrainez vos amis et gagnez une récompense.',
    signupButton: 'Je participe',
    signupButtonAfter: 'C’est fait !',
    alreadyJoinedMessage: 'Vous participez déjà. Voici votre lien.',
    trackProgressLink: 'Vous participez déjà ? Suivez votre progression',

    capturePrompt: 'Présentez-vous et nous vous enverrons votre lien personnel par e-mail.',
    fieldEmail: 'Adresse e-mail',
    fieldFirstName: 'Prénom',
    fieldLastName: 'Nom',
    fieldCompany: 'Entreprise',
    fieldPhone: 'Téléphone',
    requiredMarker: '*',
    requiredLegend: '* Champ obligatoire',
    optionalMarker: '(facultatif)',
    captureSubmit: 'Continuer',
    errorRequired: 'Ce champ est obligatoire.',
    errorInvalidEmail: 'Veuillez saisir une adresse e-mail valide.',
    consentOptIn: 'Oui, je souhaite recevoir des actualités et des offres par e-mail.',
    consentOptOut: 'Je ne souhaite pas recevoir d’actualités ni d’offres par e-mail.',
    consentUnsubscribeNote: 'Vous pouvez vous désabonner à tout moment.',

    shareToFinishPrompt: 'Partagez votre lien pour terminer votre inscription.',
    skipShareButton: 'Plus tard',

    confirmationHeading: 'Merci de votre participation !',
    confirmationMessage:
      'Partagez votre lien personnel : chaque ami qui l’utilise vous rapproche de votre récompense.',
    shareUrlLabel: 'Votre lien personnel',
    copyLinkButton: 'Copier le lien',
    copyLinkCopied: 'Copié !',
    shareHeading: 'Faites passer le mot',
    shareEmailButton: 'Partager par e-mail',
    shareFacebookButton: 'Partager sur Facebook',
    shareXButton: 'Publier sur X',
    shareLinkedInButton: 'Partager sur LinkedIn',
    shareCounter: 'Partages : {count}',
    shareMessageDefault: 'Jette un œil à ceci : {html_title}',
    shareEmailSubject: 'Ça devrait te plaire',

    reshareHeading: 'Invitez vos amis par e-mail',
    reshareRecipientsLabel: 'Adresses e-mail de vos amis',
    reshareRecipientsHint: 'Séparez les adresses par des virgules.',
    reshareSendButton: 'Envoyer les invitations',
    reshareSent: 'Vos invitations sont parties !',
    reshareInvalidRecipients: 'Certaines adresses semblent incorrectes. Merci de les vérifier.',
    reshareTooManyRecipients: 'Vous pouvez inviter jusqu’à {max} amis à la fois.',

    progressHeading: 'Votre progression',
    progressCredit: 'Crédits : {credit} sur {goal}',
    progressGoalMet: 'Objectif atteint ! Votre récompense est en route.',
    progressNextSteps: 'Continuez à partager votre lien : plus que {remaining} avant l’objectif.',
    emailMyLinkPrompt: 'Lien perdu ? Saisissez votre adresse e-mail et nous vous le renverrons.',
    emailMyLinkButton: 'M’envoyer mon lien',
    emailMyLinkSent: 'Si cette adresse est inscrite, votre lien est en route.',

    rulesLink: 'Règlement de l’offre',
    privacyLink: 'Politique de confidentialité',

    offerUnavailableTitle: 'Offre indisponible',
    offerUnavailableMessage: 'Cette offre de parrainage est terminée ou n’a pas encore commencé.',
    shareCodeNotFoundTitle: 'Lien introuvable',
    shareCodeNotFoundMessage:
      'Ce lien de partage ne fonctionne pas. Vérifiez qu’il est complet ou demandez à votre ami de vous le renvoyer.',
    errorGeneric: 'Une erreur s’est produite. Veuillez réessayer.',
    errorRateLimited: 'Trop de tentatives. Patientez un instant avant de réessayer.',
    loading: 'Chargement…',
  },
  frenchSpacing,
);

const SV: Texts = {
  signupPrompt: 'Tipsa dina vänner och få en belöning.',
  signupButton: 'Var med',
  signupButtonAfter: 'Du är med!',
  alreadyJoinedMessage: 'Du är redan med. Här är din länk.',
  trackProgressLink: 'Redan med? Se hur det går',

  capturePrompt: 'Berätta vem du är, så mejlar vi din personliga länk.',
  fieldEmail: 'E-post',
  fieldFirstName: 'Förnamn',
  fieldLastName: 'Efternamn',
  fieldCompany: 'Företag',
  fieldPhone: 'Telefon',
  requiredMarker: '*',
  requiredLegend: '* Obligatoriskt',
  optionalMarker: '(valfritt)',
  captureSubmit: 'Fortsätt',
  errorRequired: 'Fältet måste fyllas i.',
  errorInvalidEmail: 'Ange en giltig e-postadress.',
  consentOptIn: 'Ja, mejla mig nyheter och erbjudanden.',
  consentOptOut: 'Nej tack, jag vill inte få nyheter och erbjudanden via e-post.',
  consentUnsubscribeNote: 'Du kan avregistrera dig när som helst.',

  shareToFinishPrompt: 'Dela din länk för att slutföra registreringen.',
  skipShareButton: 'Kanske senare',

  confirmationHeading: 'Tack för att du är med!',
  confirmationMessage: 'Dela din personliga länk. Varje vän som använder den tar dig närmare din belöning.',
  shareUrlLabel: 'Din personliga länk',
  copyLinkButton: 'Kopiera länk',
  copyLinkCopied: 'Kopierad!',
  shareHeading: 'Sprid ordet',
  shareEmailButton: 'Dela via e-post',
  shareFacebookButton: 'Dela på Facebook',
  shareXButton: 'Posta på X',
  shareLinkedInButton: 'Dela på LinkedIn',
  shareCounter: 'Delningar: {count}',
  shareMessageDefault: 'Kolla in det här: {html_title}',
  shareEmailSubject: 'Det här tror jag att du gillar',

  reshareHeading: 'Bjud in vänner via e-post',
  reshareRecipientsLabel: 'Dina vänners e-postadresser',
  reshareRecipientsHint: 'Separera adresserna med kommatecken.',
  reshareSendButton: 'Skicka inbjudningar',
  reshareSent: 'Dina inbjudningar är på väg!',
  reshareInvalidRecipients: 'Några adresser verkar inte stämma. Kontrollera dem.',
  reshareTooManyRecipients: 'Du kan bjuda in upp till {max} vänner åt gången.',

  progressHeading: 'Dina framsteg',
  progressCredit: 'Poäng: {credit} av {goal}',
  progressGoalMet: 'Målet är nått! Din belöning är på väg.',
  progressNextSteps: 'Fortsätt dela din länk – {remaining} kvar till målet.',
  emailMyLinkPrompt: 'Tappat bort din länk? Ange din e-postadress så skickar vi den igen.',
  emailMyLinkButton: 'Mejla min länk',
  emailMyLinkSent: 'Om adressen är registrerad är din länk på väg.',

  rulesLink: 'Villkor för erbjudandet',
  privacyLink: 'Integritetspolicy',

  offerUnavailableTitle: 'Erbjudandet är inte tillgängligt',
  offerUnavailableMessage: 'Det här hänvisningserbjudandet har avslutats eller har inte öppnat än.',
  shareCodeNotFoundTitle: 'Länken hittades inte',
  shareCodeNotFoundMessage:
    'Den här delningslänken fungerar inte. Kontrollera att du har fått med hela länken, eller be din vän skicka den igen.',
  errorGeneric: 'Något gick fel. Försök igen.',
  errorRateLimited: 'För många försök. Vänta en stund och försök igen.',
  loading: 'Laddar…',
};

const ZH_CN: Texts = {
  signupPrompt: '邀请好友，赢取奖励。',
  signupButton: '立即参加',
  signupButtonAfter: '已参加！',
  alreadyJoinedMessage: '您已参加，这是您的专属链接。',
  trackProgressLink: '已参加？查看进度',

  capturePrompt: '留下您的信息，我们会把专属链接发送到您的邮箱。',
  fieldEmail: '电子邮箱',
  fieldFirstName: '名',
  fieldLastName: '姓',
  fieldCompany: '公司',
  fieldPhone: '电话',
  requiredMarker: '*',
  requiredLegend: '* 为必填项',
  optionalMarker: '（选填）',
  captureSubmit: '继续',
  errorRequired: '此项为必填项。',
  errorInvalidEmail: '请输入有效的电子邮箱地址。',
  consentOptIn: '是的，我希望通过电子邮件接收最新资讯和优惠。',
  consentOptOut: '我不希望通过电子邮件接收最新资讯和优惠。',
  consentUnsubscribeNote: '您可以随时退订。',

  shareToFinishPrompt: '分享您的链接即可完成报名。',
  skipShareButton: '稍后再说',

  confirmationHeading: '感谢您的参与！',
  confirmationMessage: '分享您的专属链接，每位通过它参与的好友都会让您离奖励更近一步。',
  shareUrlLabel: '您的专属链接',
  copyLinkButton: '复制链接',
  copyLinkCopied: '已复制！',
  shareHeading: '告诉好友',
  shareEmailButton: '通过邮件分享',
  shareFacebookButton: '分享到 Facebook',
  shareXButton: '发布到 X',
  shareLinkedInButton: '分享到 LinkedIn',
  shareCounter: '分享次数：{count}',
  shareMessageDefault: '推荐给你：{html_title}',
  shareEmailSubject: '给你推荐一个好东西',

  reshareHeading: '通过邮件邀请好友',
  reshareRecipientsLabel: '好友的电子邮箱地址',
  reshareRecipientsHint: '多个地址请用英文逗号分隔。',
  reshareSendButton: '发送邀请',
  reshareSent: '邀请已发送！',
  reshareInvalidRecipients: '部分地址格式有误，请检查。',
  reshareTooManyRecipients: '每次最多可邀请 {max} 位好友。',

  progressHeading: '您的进度',
  progressCredit: '积分：{credit} / {goal}',
  progressGoalMet: '目标已达成！奖励即将发放给您。',
  progressNextSteps: '继续分享您的链接，还差 {remaining} 积分即可达成目标。',
  emailMyLinkPrompt: '找不到链接了？输入您的电子邮箱，我们会重新发送给您。',
  emailMyLinkButton: '把链接发到我的邮箱',
  emailMyLinkSent: '如果该邮箱已报名，链接很快就会发送给您。',

  rulesLink: '活动规则',
  privacyLink: '隐私政策',

  offerUnavailableTitle: '推荐优惠不可用',
  offerUnavailableMessage: '该推荐优惠已结束或尚未开始。',
  shareCodeNotFoundTitle: '链接无效',
  shareCodeNotFoundMessage: '该分享链接无法使用。请确认链接完整，或请好友重新发送。',
  errorGeneric: '出错了，请重试。',
  errorRateLimited: '尝试次数过多，请稍后再试。',
  loading: '加载中…',
};

export const DEFAULT_TEXTS: Record<SupportedLocale, Texts> = {
  en: EN,
  fr: FR,
  sv: SV,
  'zh-CN': ZH_CN,
};

// ---------------------------------------------------------------------------
// Locale resolution

const TRADITIONAL_CHINESE_REGIONS = new Set(['tw', 'hk', 'mo']);

/**
 * Maps a BCP 47 language tag to a supported locale: exact match ignoring case,
 * else by language (`fr-CA` -> `fr`, `sv-SE` -> `sv`, `en-GB` -> `en`).
 * Chinese maps to `zh-CN` unless the tag asks for Traditional script
 * (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`), which we do not ship. Underscores
 * (`zh_CN`) are accepted. Returns null for anything else, including `*`.
 */
export function resolveLocale(requested: string | undefined | null): SupportedLocale | null {
  if (typeof requested !== 'string') return null;
  const tag = requested.trim().replace(/_/g, '-').toLowerCase();
  if (tag === '' || tag.length > 64 || !/^[a-z0-9-]+$/.test(tag)) return null;
  for (const locale of SUPPORTED_LOCALES) {
    if (locale.toLowerCase() === tag) return locale;
  }
  const subtags = tag.split('-').filter((s) => s !== '');
  const language = subtags[0];
  switch (language) {
    case 'en':
      return 'en';
    case 'fr':
      return 'fr';
    case 'sv':
      return 'sv';
    case 'zh':
    case 'cmn': {
      const rest = subtags.slice(1);
      if (rest.includes('hans')) return 'zh-CN';
      if (rest.includes('hant')) return null;
      if (rest.some((s) => TRADITIONAL_CHINESE_REGIONS.has(s))) return null;
      return 'zh-CN';
    }
    default:
      return null;
  }
}

/**
 * Picks the best supported locale from an HTTP Accept-Language header: ranges
 * are ordered by q-value (highest first, header order breaking ties) and the
 * first one that `resolveLocale` maps wins. Ranges with q=0 or a malformed
 * q-value are ignored, as is the `*` range. Returns null when nothing matches.
 */
export function pickFromAcceptLanguage(header: string | undefined): SupportedLocale | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const ranges: { tag: string; q: number; index: number }[] = [];
  // A bound on work for hostile headers: real ones list a handful of ranges.
  const parts = header.slice(0, 4096).split(',').slice(0, 64);
  parts.forEach((part, index) => {
    const [rawTag, ...params] = part.split(';');
    const tag = (rawTag ?? '').trim();
    if (tag === '' || tag === '*') return;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=(.*)$/i.exec(param);
      if (!m) continue; // other parameters carry no weight
      const raw = m[1]!.trim();
      if (!/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(raw)) return; // malformed or out of range
      q = Number(raw);
    }
    if (q <= 0) return;
    ranges.push({ tag, q, index });
  });
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const locale = resolveLocale(range.tag);
    if (locale) return locale;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Default emails

export interface DefaultEmail {
  subject: string;
  html: string;
  text: string;
}

/** One piece of an email body; rendered both as inline-styled HTML and as plain text. */
type Block =
  | { kind: 'p'; text: string }
  | { kind: 'button'; label: string; href: string }
  /** A lead-in line followed by the bare URL, for clients that block buttons. */
  | { kind: 'url'; label: string; href: string }
  | { kind: 'code'; label: string; value: string };

interface EmailSource {
  subject: string;
  greeting: string;
  blocks: Block[];
  footer: string;
}

function escapeHtmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const FONT = "font-family:Arial,Helvetica,'PingFang SC','Microsoft YaHei',sans-serif";
const ACCENT = '#2563eb';

function renderBlockHtml(block: Block): string {
  switch (block.kind) {
    case 'p':
      return `<p style="margin:0 0 16px;">${escapeHtmlText(block.text)}</p>`;
    case 'button':
      return (
        `<p style="margin:24px 0;"><a href="${escapeHtmlText(block.href)}" ` +
        `style="display:inline-block;padding:12px 24px;background:${ACCENT};color:#ffffff;` +
        `text-decoration:none;border-radius:6px;font-weight:bold;">${escapeHtmlText(block.label)}</a></p>`
      );
    case 'url':
      return (
        `<p style="margin:0 0 16px;font-size:14px;color:#52606d;">${escapeHtmlText(block.label)}<br>` +
        `<a href="${escapeHtmlText(block.href)}" style="color:${ACCENT};word-break:break-all;">` +
        `${escapeHtmlText(block.href)}</a></p>`
      );
    case 'code':
      return (
        `<p style="margin:0 0 8px;">${escapeHtmlText(block.label)}</p>` +
        `<p style="margin:0 0 24px;padding:12px 16px;background:#eff4ff;border:1px dashed ${ACCENT};` +
        `border-radius:6px;text-align:center;font-size:22px;font-weight:bold;letter-spacing:1px;` +
        `font-family:'Courier New',Courier,monospace;">${escapeHtmlText(block.value)}</p>`
      );
  }
}

function renderBlockText(block: Block): string {
  switch (block.kind) {
    case 'p':
      return block.text;
    case 'button':
    case 'url':
      // Label and address on their own lines: no punctuation to localise.
      return `${block.label}\n${block.href}`;
    case 'code':
      return `${block.label}\n\n    ${block.value}`;
  }
}

function buildEmail(lang: SupportedLocale, source: EmailSource): DefaultEmail {
  const body = [
    `<p style="margin:0 0 16px;">${escapeHtmlText(source.greeting)}</p>`,
    ...source.blocks.map(renderBlockHtml),
  ].join('\n');
  const html =
    `<!DOCTYPE html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtmlText(source.subject)}</title>\n</head>\n` +
    `<body style="margin:0;padding:0;background:#f4f5f7;">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">` +
    `<tr><td align="center" style="padding:24px 12px;">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" ` +
    `style="max-width:560px;background:#ffffff;border-radius:8px;${FONT};color:#1f2933;font-size:16px;line-height:1.5;">` +
    `<tr><td style="padding:32px;">\n${body}\n` +
    `<p style="margin:32px 0 0;padding-top:16px;border-top:1px solid #e4e7eb;font-size:12px;color:#7b8794;">` +
    `${escapeHtmlText(source.footer)}</p>\n` +
    `</td></tr></table>\n</td></tr></table>\n</body>\n</html>\n`;
  // In plain text a button already shows its URL, so a following 'url' block
  // with the same address would only repeat it.
  const shown = new Set<string>();
  const textBlocks: string[] = [];
  for (const block of source.blocks) {
    if (block.kind === 'url' && shown.has(block.href)) continue;
    if (block.kind === 'button' || block.kind === 'url') shown.add(block.href);
    textBlocks.push(renderBlockText(block));
  }
  const text = `${[source.greeting, ...textBlocks].join('\n\n')}\n\n-- \n${source.footer}\n`;
  return { subject: source.subject, html, text };
}

type EmailKind = 'signup' | 'fulfillment' | 'reshare' | 'progressLink';
type EmailSources = Record<EmailKind, EmailSource>;

const SHARE_URL = '{{social.Share Url}}';
const PROGRESS_URL = '{{social.Progress Url}}';
const PROMO_CODE = '{{social.Promo Code}}';

const EN_EMAILS: EmailSources = {
  signup: {
    subject: 'Your personal link for {{offer.Name}}',
    greeting: 'Hi {{lead.First Name}},',
    blocks: [
      { kind: 'p', text: 'Thanks for joining {{offer.Name}}! Here is your personal link to share with friends.' },
      { kind: 'button', label: 'Share my link', href: SHARE_URL },
      { kind: 'url', label: 'Or copy it from here:', href: SHARE_URL },
      {
        kind: 'p',
        text: 'Send it by email or post it on social media. Every friend who uses it brings you closer to your reward.',
      },
    ],
    footer: 'You are receiving this email because {{lead.Email Address}} signed up for {{offer.Name}}.',
  },
  fulfillment: {
    subject: 'You did it! Here is your reward',
    greeting: 'Hi {{lead.First Name}},',
    blocks: [
      { kind: 'p', text: 'Congratulations, you reached the goal of {{offer.Name}}. Thank you for spreading the word!' },
      { kind: 'code', label: 'Your promo code:', value: PROMO_CODE },
      { kind: 'p', text: 'Keep this email somewhere safe until you use your code.' },
    ],
    footer: 'You are receiving this email because {{lead.Email Address}} signed up for {{offer.Name}}.',
  },
  reshare: {
    subject: '{{social.Referrer Name}} thinks you’ll like {{offer.Name}}',
    greeting: 'Hello,',
    blocks: [
      { kind: 'p', text: '{{social.Referrer Name}} wanted you to see {{offer.Name}} and sent you this link.' },
      { kind: 'button', label: 'Take a look', href: SHARE_URL },
      { kind: 'url', label: 'Or open this address:', href: SHARE_URL },
    ],
    footer: '{{social.Referrer Name}} entered your address to send you this invitation.',
  },
  progressLink: {
    subject: 'Your link for {{offer.Name}}',
    greeting: 'Hi {{lead.First Name}},',
    blocks: [
      { kind: 'p', text: 'Here is the link you asked for. Open it to see your progress and keep sharing.' },
      { kind: 'button', label: 'See my progress', href: PROGRESS_URL },
      { kind: 'url', label: 'Your personal share link:', href: SHARE_URL },
      { kind: 'p', text: 'Didn’t ask for this? You can safely ignore this email.' },
    ],
    footer: 'You are receiving this email because {{lead.Email Address}} signed up for {{offer.Name}}.',
  },
};

const FR_EMAILS: EmailSources = {
  signup: {
    subject: 'Votre lien personnel pour {{offer.Name}}',
    greeting: 'Bonjour {{lead.First Name}},',
    blocks: [
      {
        kind: 'p',
        text: 'Merci de participer à {{offer.Name}} ! Voici votre lien personnel à partager avec vos amis.',
      },
      { kind: 'button', label: 'Partager mon lien', href: SHARE_URL },
      { kind: 'url', label: 'Ou copiez-le ici :', href: SHARE_URL },
      {
        kind: 'p',
        text: 'Envoyez-le par e-mail ou publiez-le sur les réseaux sociaux : chaque ami qui l’utilise vous rapproche de votre récompense.',
      },
    ],
    footer: 'Vous recevez cet e-mail car l’adresse {{lead.Email Address}} est inscrite à {{offer.Name}}.',
  },
  fulfillment: {
    subject: 'Bravo ! Voici votre récompense',
    greeting: 'Bonjour {{lead.First Name}},',
    blocks: [
      {
        kind: 'p',
        text: 'Félicitations, vous avez atteint l’objectif de {{offer.Name}}. Merci d’avoir fait passer le mot !',
      },
      { kind: 'code', label: 'Votre code promo :', value: PROMO_CODE },
      { kind: 'p', text: 'Conservez cet e-mail jusqu’à ce que vous ayez utilisé votre code.' },
    ],
    footer: 'Vous recevez cet e-mail car l’adresse {{lead.Email Address}} est inscrite à {{offer.Name}}.',
  },
  reshare: {
    subject: '{{social.Referrer Name}} pense que {{offer.Name}} va vous plaire',
    greeting: 'Bonjour,',
    blocks: [
      {
        kind: 'p',
        text: '{{social.Referrer Name}} voulait vous faire découvrir {{offer.Name}} et vous envoie ce lien.',
      },
      { kind: 'button', label: 'Découvrir', href: SHARE_URL },
      { kind: 'url', label: 'Ou ouvrez cette adresse :', href: SHARE_URL },
    ],
    footer: '{{social.Referrer Name}} a saisi votre adresse pour vous envoyer cette invitation.',
  },
  progressLink: {
    subject: 'Votre lien pour {{offer.Name}}',
    greeting: 'Bonjour {{lead.First Name}},',
    blocks: [
      {
        kind: 'p',
        text: 'Voici le lien que vous avez demandé. Ouvrez-le pour suivre votre progression et continuer à partager.',
      },
      { kind: 'button', label: 'Voir ma progression', href: PROGRESS_URL },
      { kind: 'url', label: 'Votre lien de partage personnel :', href: SHARE_URL },
      { kind: 'p', text: 'Vous n’avez rien demandé ? Vous pouvez ignorer cet e-mail.' },
    ],
    footer: 'Vous recevez cet e-mail car l’adresse {{lead.Email Address}} est inscrite à {{offer.Name}}.',
  },
};

const SV_EMAILS: EmailSources = {
  signup: {
    subject: 'Din personliga länk till {{offer.Name}}',
    greeting: 'Hej {{lead.First Name}}!',
    blocks: [
      {
        kind: 'p',
        text: 'Tack för att du är med i {{offer.Name}}! Här är din personliga länk att dela med dina vänner.',
      },
      { kind: 'button', label: 'Dela min länk', href: SHARE_URL },
      { kind: 'url', label: 'Eller kopiera den här:', href: SHARE_URL },
      {
        kind: 'p',
        text: 'Skicka den via e-post eller dela den i sociala medier. Varje vän som använder den tar dig närmare din belöning.',
      },
    ],
    footer: 'Du får det här mejlet eftersom {{lead.Email Address}} har anmält sig till {{offer.Name}}.',
  },
  fulfillment: {
    subject: 'Du klarade det! Här är din belöning',
    greeting: 'Hej {{lead.First Name}}!',
    blocks: [
      { kind: 'p', text: 'Grattis, du har nått målet för {{offer.Name}}. Tack för att du spred ordet!' },
      { kind: 'code', label: 'Din rabattkod:', value: PROMO_CODE },
      { kind: 'p', text: 'Spara det här mejlet tills du har använt koden.' },
    ],
    footer: 'Du får det här mejlet eftersom {{lead.Email Address}} har anmält sig till {{offer.Name}}.',
  },
  reshare: {
    subject: '{{social.Referrer Name}} tror att du gillar {{offer.Name}}',
    greeting: 'Hej!',
    blocks: [
      { kind: 'p', text: '{{social.Referrer Name}} vill tipsa dig om {{offer.Name}} och har skickat den här länken.' },
      { kind: 'button', label: 'Ta en titt', href: SHARE_URL },
      { kind: 'url', label: 'Eller öppna den här adressen:', href: SHARE_URL },
    ],
    footer: '{{social.Referrer Name}} angav din adress för att skicka den här inbjudan till dig.',
  },
  progressLink: {
    subject: 'Din länk till {{offer.Name}}',
    greeting: 'Hej {{lead.First Name}}!',
    blocks: [
      {
        kind: 'p',
        text: 'Här är länken du bad om. Öppna den för att se hur det går och fortsätta dela.',
      },
      { kind: 'button', label: 'Se mina framsteg', href: PROGRESS_URL },
      { kind: 'url', label: 'Din personliga delningslänk:', href: SHARE_URL },
      { kind: 'p', text: 'Har du inte bett om det här? Då kan du bortse från mejlet.' },
    ],
    footer: 'Du får det här mejlet eftersom {{lead.Email Address}} har anmält sig till {{offer.Name}}.',
  },
};

const ZH_CN_EMAILS: EmailSources = {
  signup: {
    subject: '您的{{offer.Name}}专属链接',
    greeting: '{{lead.First Name}}，您好！',
    blocks: [
      { kind: 'p', text: '感谢您参加{{offer.Name}}！这是您的专属链接，快分享给好友吧。' },
      { kind: 'button', label: '分享我的链接', href: SHARE_URL },
      { kind: 'url', label: '也可以复制以下链接：', href: SHARE_URL },
      { kind: 'p', text: '通过邮件发送或分享到社交媒体，每位通过它参与的好友都会让您离奖励更近一步。' },
    ],
    footer: '您收到这封邮件，是因为 {{lead.Email Address}} 报名参加了{{offer.Name}}。',
  },
  fulfillment: {
    subject: '恭喜您达成目标！这是您的奖励',
    greeting: '{{lead.First Name}}，您好！',
    blocks: [
      { kind: 'p', text: '恭喜您达成{{offer.Name}}的目标，感谢您的热心分享！' },
      { kind: 'code', label: '您的优惠码：', value: PROMO_CODE },
      { kind: 'p', text: '请妥善保存这封邮件，直到您使用优惠码。' },
    ],
    footer: '您收到这封邮件，是因为 {{lead.Email Address}} 报名参加了{{offer.Name}}。',
  },
  reshare: {
    subject: '{{social.Referrer Name}} 向您推荐{{offer.Name}}',
    greeting: '您好！',
    blocks: [
      { kind: 'p', text: '{{social.Referrer Name}} 想和您分享{{offer.Name}}，并给您发来了这个链接。' },
      { kind: 'button', label: '去看看', href: SHARE_URL },
      { kind: 'url', label: '也可以打开以下链接：', href: SHARE_URL },
    ],
    footer: '{{social.Referrer Name}} 填写了您的邮箱地址，向您发送了这封邀请。',
  },
  progressLink: {
    subject: '您的{{offer.Name}}链接',
    greeting: '{{lead.First Name}}，您好！',
    blocks: [
      { kind: 'p', text: '这是您申请的链接。打开即可查看进度并继续分享。' },
      { kind: 'button', label: '查看我的进度', href: PROGRESS_URL },
      { kind: 'url', label: '您的专属分享链接：', href: SHARE_URL },
      { kind: 'p', text: '如果这不是您本人的操作，请忽略此邮件。' },
    ],
    footer: '您收到这封邮件，是因为 {{lead.Email Address}} 报名参加了{{offer.Name}}。',
  },
};

function frenchEmail(source: EmailSource): EmailSource {
  return {
    subject: frenchSpacing(source.subject),
    greeting: frenchSpacing(source.greeting),
    footer: frenchSpacing(source.footer),
    blocks: source.blocks.map((block): Block => {
      switch (block.kind) {
        case 'p':
          return { ...block, text: frenchSpacing(block.text) };
        case 'button':
        case 'url':
        case 'code':
          return { ...block, label: frenchSpacing(block.label) };
      }
    }),
  };
}

function buildEmails(
  lang: SupportedLocale,
  sources: EmailSources,
): Record<EmailKind, DefaultEmail> {
  return {
    signup: buildEmail(lang, sources.signup),
    fulfillment: buildEmail(lang, sources.fulfillment),
    reshare: buildEmail(lang, sources.reshare),
    progressLink: buildEmail(lang, sources.progressLink),
  };
}

export const DEFAULT_EMAILS: Record<
  SupportedLocale,
  { signup: DefaultEmail; fulfillment: DefaultEmail; reshare: DefaultEmail; progressLink: DefaultEmail }
> = {
  en: buildEmails('en', EN_EMAILS),
  fr: buildEmails('fr', {
    signup: frenchEmail(FR_EMAILS.signup),
    fulfillment: frenchEmail(FR_EMAILS.fulfillment),
    reshare: frenchEmail(FR_EMAILS.reshare),
    progressLink: frenchEmail(FR_EMAILS.progressLink),
  }),
  sv: buildEmails('sv', SV_EMAILS),
  'zh-CN': buildEmails('zh-CN', ZH_CN_EMAILS),
};
