/**
 * Every ICE server URL in a configuration, for display. Only the URLs: a TURN server's
 * username and credential are secrets that stay out of the page's text.
 */
export function iceServerUrls (iceServers: readonly RTCIceServer[]): string[] {
  const urls = iceServers.flatMap((s) => typeof s.urls === 'string' ? [s.urls] : [...s.urls])
  return [...new Set(urls)]
}
