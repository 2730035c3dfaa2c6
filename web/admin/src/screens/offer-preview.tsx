/**
 * The widget preview. The approved version is the real widget (an iframe of
 * /w/{offerId}, which serves only the approved version). A draft is not served
 * to anyone, so its preview is drawn here from the draft's settings with the
 * same texts, colours, fields and channels: a close likeness, not the widget.
 */
import { useEffect, useRef, useState } from 'react';
import type { CSSProperties } from 'react';
import { widgetTexts } from '../../../../src/domain/messages/widget-texts.js';
import type { Offer, OfferSettings } from '../types.js';
import { CHANNEL_LABELS, FIELD_LABELS } from './offer-sections.js';

export function OfferPreview({ offer, settings, version }: { offer: Offer; settings: OfferSettings; version: 'draft' | 'approved' }) {
  const live = version === 'approved' && offer.status === 'approved' && offer.approved !== null;
  return (
    <div className="preview">
      <div className="preview-head">
        <h2>Preview</h2>
        <span className="muted small">{live ? 'Live widget (approved version)' : version === 'draft' ? 'Draft (drawn from its settings)' : 'Not published'}</span>
      </div>
      {live ? <LiveWidget offer={offer} /> : <DraftWidget settings={settings} />}
      {live ? (
        <p className="hint">
          This is the real widget: a sign-up made here creates a real participant. Hosted page:{' '}
          <a href={`/o/${offer.id}`} target="_blank" rel="noopener">
            /o/{offer.id}
          </a>
        </p>
      ) : (
        <p className="hint">
          {offer.status === 'archived'
            ? 'Archived offers are not shown to anyone.'
            : 'A likeness of the widget for this draft, updated as you type. Approve the draft to see the real widget here and publish it.'}
        </p>
      )}
    </div>
  );
}

function LiveWidget({ offer }: { offer: Offer }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(420);
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const h = (event.data as { goalpostHeight?: unknown } | null)?.goalpostHeight;
      if (event.source === ref.current?.contentWindow && typeof h === 'number' && h > 0 && h < 5000) setHeight(h + 4);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);
  return (
    <iframe
      ref={ref}
      key={offer.approvedAt ?? ''}
      title={`Live widget of ${offer.name}`}
      src={`/w/${offer.id}`}
      className="preview-frame"
      style={{ height }}
    />
  );
}

function DraftWidget({ settings: s }: { settings: OfferSettings }) {
  const t = widgetTexts(s, s.locale);
  const style = { '--accent': s.style.buttonColor, '--on-accent': s.style.buttonTextColor } as CSSProperties;
  const capture = (
    <div className="mock-step">
      <p className="mock-label">{t.capturePrompt}</p>
      {s.signupFlow.fields.map((f) => (
        <div key={f.name} className="mock-field">
          <span>
            {FIELD_LABELS[f.name]} {f.required ? t.requiredMarker : <span className="muted">{t.optionalMarker}</span>}
          </span>
          <span className="mock-input" />
        </div>
      ))}
      <p className="mock-check">☐ {s.signupFlow.consent === 'opt_in' ? t.consentOptIn : t.consentOptOut}</p>
      <span className="mock-btn">{t.captureSubmit}</span>
    </div>
  );
  const share = (
    <div className="mock-step">
      <p className="mock-label">{s.signupFlow.order === 'share_then_capture' ? t.shareToFinishPrompt : t.shareHeading}</p>
      <div className="mock-shares">
        {s.sharing.channels.length === 0 ? <span className="problem">No channel enabled</span> : null}
        {s.sharing.channels.map((c) => (
          <span key={c} className="mock-share">
            {CHANNEL_LABELS[c]}
          </span>
        ))}
      </div>
    </div>
  );
  return (
    <div className="mock" style={style} inert aria-label="Draft widget likeness" role="img">
      <p className="mock-title">{s.name || 'Untitled offer'}</p>
      <p>{t.signupPrompt}</p>
      <span className="mock-btn">{t.signupButton}</span>
      {s.trackProgress.enabled ? <p className="mock-link">{t.trackProgressLink}</p> : null}
      <ol className="mock-steps">
        <li>{s.signupFlow.order === 'share_then_capture' ? share : capture}</li>
        <li>{s.signupFlow.order === 'share_then_capture' ? capture : share}</li>
      </ol>
      <p className="mock-footer">
        {s.rulesUrl ? <span className="mock-link">{t.rulesLink}</span> : <span className="problem">No rules URL yet</span>}
        {s.privacyPolicy ? <span className="mock-link">{s.privacyPolicy.title || t.privacyLink}</span> : null}
      </p>
    </div>
  );
}
