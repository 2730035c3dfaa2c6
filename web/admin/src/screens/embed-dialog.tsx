import { useState } from 'react';
import { get, qs } from '../api.js';
import type { EmbedCode, Offer } from '../types.js';
import { Dialog, ErrorNotice, Loading, Notice, Snippet, TextField, useLoad } from '../ui.js';

export function EmbedCodeDialog({ open, offer, onClose }: { open: boolean; offer: Offer; onClose(): void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Embed Code" wide>
      {open ? <EmbedCodeBody offer={offer} /> : null}
    </Dialog>
  );
}

function EmbedCodeBody({ offer }: { offer: Offer }) {
  const [width, setWidth] = useState('100%');
  const [height, setHeight] = useState('auto');
  const valid = /^[0-9]{1,4}(px|%)?$/.test(width) && /^([0-9]{1,4}(px)?|auto)$/.test(height);
  const code = useLoad((signal) => (valid ? get<EmbedCode>(`/offers/${offer.id}/embed-code${qs({ width, height })}`, signal) : Promise.resolve(null)), [offer.id, width, height, valid]);
  const goal = (offer.approved ?? offer.draft)?.goal.type;
  return (
    <>
      {offer.status === 'archived' ? <Notice kind="warn">This offer is archived: pages that embed it show that it has ended.</Notice> : null}
      {!offer.approved && offer.status !== 'archived' ? (
        <Notice kind="warn" title="Not published yet">
          <p>You can paste the code now, but the widget shows nothing to sign up for until you approve the offer.</p>
        </Notice>
      ) : null}
      <div className="row row-wrap">
        <TextField label="Width" value={width} onChange={setWidth} hint="e.g. 100%, 480 or 480px" problems={/^[0-9]{1,4}(px|%)?$/.test(width) ? [] : ['Use a number of pixels or a percentage.']} />
        <TextField label="Height" value={height} onChange={setHeight} hint="auto (the widget sizes itself) or pixels" problems={/^([0-9]{1,4}(px)?|auto)$/.test(height) ? [] : ['Use auto or a number of pixels.']} />
      </div>
      <ErrorNotice error={code.error} />
      {code.loading && !code.data ? <Loading /> : null}
      {code.data ? (
        <>
          <Snippet label="1. Header snippet: paste into <head> on every page of your site" text={code.data.headerSnippet} copyLabel="Copy header snippet" hint="It loads /embed.js and keeps a friend’s click in a first-party cookie of your site." />
          <Snippet label="2. Body snippet: paste where the widget should appear" text={code.data.bodySnippet} copyLabel="Copy body snippet" />
          {goal === 'custom_js_event' ? (
            <Snippet label="3. Conversion call: run it when the conversion happens (Custom JavaScript Event goal)" text={code.data.conversionSnippet} copyLabel="Copy conversion call" />
          ) : null}
          <Snippet label="Hosted page: a page of ours with the widget, to link to" text={code.data.hostedPageUrl} copyLabel="Copy hosted page URL" />
        </>
      ) : null}
    </>
  );
}
