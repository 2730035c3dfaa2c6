import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser files built by scripts/build-web.mjs into dist/web: the embed
 * script, the widget's script and styles, the hosted page's styles. Read once
 * on first use and kept in memory; each carries a content hash that pages put
 * in the asset URL, so a new build is fetched at once and an old one can be
 * cached for long.
 */
export const WEB_ASSET_FILES = {
  'embed.js': 'text/javascript; charset=utf-8',
  'widget.js': 'text/javascript; charset=utf-8',
  'widget.css': 'text/css; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
} as const;
export type WebAssetName = keyof typeof WEB_ASSET_FILES;

export interface WebAsset {
  body: Buffer;
  type: string;
  /** First 12 hex digits of the content's SHA-256: cache buster and ETag. */
  version: string;
}

// src/http/routes/public and dist/http/routes/public are both four levels below the package root.
export const WEB_DIR = fileURLToPath(new URL('../../../../dist/web/', import.meta.url));

export class WebAssetsMissingError extends Error {
  constructor(dir: string, cause: unknown) {
    super(`The browser files are not built (${dir}): run "npm run build". ${(cause as Error).message}`);
  }
}

export class WebAssets {
  private loaded: Map<WebAssetName, WebAsset> | null = null;

  constructor(private readonly dir = WEB_DIR) {}

  /** Throws WebAssetsMissingError when the build has not run. */
  get(name: WebAssetName): WebAsset {
    if (!this.loaded) this.loaded = this.load();
    return this.loaded.get(name)!;
  }

  /** The asset's version, or "0" when missing, so a page can still be rendered and say so. */
  version(name: WebAssetName): string {
    try {
      return this.get(name).version;
    } catch {
      return '0';
    }
  }

  private load(): Map<WebAssetName, WebAsset> {
    const out = new Map<WebAssetName, WebAsset>();
    for (const [name, type] of Object.entries(WEB_ASSET_FILES) as [WebAssetName, string][]) {
      let body: Buffer;
      try {
        body = readFileSync(`${this.dir}${name}`);
      } catch (err) {
        throw new WebAssetsMissingError(this.dir, err);
      }
      out.set(name, { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
    return out;
  }
}
