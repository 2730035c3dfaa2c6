import type { Texts } from './default-texts.js';
import type { SignupOrder } from '../offers/settings.js';

/**
 * What the server hands the widget's browser script besides the markup (as
 * JSON in the page; see src/http/routes/public/widget-html.ts and
 * web/widget/widget.ts). Types only: both sides import it.
 */
export interface WidgetConfig {
  offerId: string;
  locale: string;
  order: SignupOrder;
  trackProgress: boolean;
  offerName: string;
  /** The share message per enabled intent channel, `{html_title}` still in it. */
  messages: Record<string, string>;
  maxRecipients: number;
  /** The texts the script puts on the page itself (filled placeholders, states, errors). */
  t: Pick<
    Texts,
    | 'progressCredit'
    | 'progressNextSteps'
    | 'progressGoalMet'
    | 'copyLinkButton'
    | 'copyLinkCopied'
    | 'errorGeneric'
    | 'errorRateLimited'
    | 'errorRequired'
    | 'errorInvalidEmail'
    | 'reshareSent'
    | 'reshareInvalidRecipients'
    | 'reshareTooManyRecipients'
    | 'emailMyLinkSent'
    | 'loading'
  >;
}
