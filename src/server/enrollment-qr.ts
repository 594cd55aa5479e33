import { renderSVG } from 'uqr';

/** The QR code's modules, in SVG units; with the quiet zone of four modules the standard asks for. */
const MODULE = 10;
const QUIET_ZONE = 4;
const CAPTION_HEIGHT = 64;

/**
 * An enrollment link (domain/enrollment-link.ts) as a QR code a tablet's camera opens, in an
 * SVG to show on a screen or print: the code below it, with the place it enrolls, for a tablet
 * without a camera to type. It holds the code: a file of it is as secret as the code.
 */
export function enrollmentQrSvg(link: string, caption: string): string {
  // M: a fifteenth of the code may be smudged or folded on a printed sheet and it still reads.
  const qr = renderSVG(link, { ecc: 'M', border: QUIET_ZONE, pixelSize: MODULE });
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(qr)?.[1]);
  if (!Number.isFinite(size) || size <= 0) throw new Error('the QR renderer gave no size');
  const inner = qr.replace(/^<svg [^>]*>/, `<svg x="0" y="0" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + CAPTION_HEIGHT}" viewBox="0 0 ${size} ${size + CAPTION_HEIGHT}">`,
    `<rect fill="white" width="${size}" height="${size + CAPTION_HEIGHT}"/>`,
    inner,
    `<text x="${size / 2}" y="${size + CAPTION_HEIGHT / 2}" text-anchor="middle" font-family="sans-serif" font-size="22" fill="black">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
